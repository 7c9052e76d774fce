;; Dense matrix products and the 3×3 convolution's weight gradient, for training the CNN and the
;; VAE. Matrices are row-major float32 at byte offsets into the imported memory; 4-byte alignment
;; is enough, as wasm's v128 loads and stores take any address.
;;
;; Node 20's wasm has SIMD128 but no fused multiply-add, so each product is f32x4.mul then
;; f32x4.add. The main tiles hold a 4×8 block of C in eight v128 locals; V8 keeps those in XMM
;; registers while at most about twelve v128 values are live in the inner loop (x64 has sixteen
;; and V8 reserves one), and 5×8, 6×8, 4×12 and 3×16 blocks measured slower than 4×8. Broadcasts
;; use v128.load32_splat, a plain load on x64, rather than lane shuffles, which would compete
;; with the adds for execution ports.
;;
;; A kernel covers the bulk of C with its widest tile, then the leftover columns and rows with
;; narrower tiles down to single elements, so any size works without masks and nothing outside
;; C is written. The tiles are unrolled in full, hence the length: each variant of a kernel is the
;; same loop nest with another block shape.
(module
  (import "env" "memory" (memory 1))

  ;; atb's tiles cover rows [i0, i1) × columns [j0, j1) of C in blocks of 4 × 8, 4 × 4, 1 × 8 or
  ;; 1 × 4. Row i of C is column i of A, so the four broadcasts of a step are neighbouring
  ;; floats of one A row. Columns vary fastest: a row block's strip of A (n rows of 16 bytes)
  ;; stays in L1 while B streams past it.
  (func $atb_4x8
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $accumulate i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $end i32)
    (local $s v128) (local $b0 v128) (local $b1 v128)
    (local $c0_0 v128) (local $c0_1 v128) (local $c1_0 v128) (local $c1_1 v128) (local $c2_0 v128) (local $c2_1 v128)
    (local $c3_0 v128) (local $c3_1 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $n) (local.get $sb))))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (local.set $c0_1 (v128.const i32x4 0 0 0 0))
            (local.set $c1_0 (v128.const i32x4 0 0 0 0))
            (local.set $c1_1 (v128.const i32x4 0 0 0 0))
            (local.set $c2_0 (v128.const i32x4 0 0 0 0))
            (local.set $c2_1 (v128.const i32x4 0 0 0 0))
            (local.set $c3_0 (v128.const i32x4 0 0 0 0))
            (local.set $c3_1 (v128.const i32x4 0 0 0 0))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pb) (local.get $end)))
              (loop $k
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $s (v128.load32_splat (local.get $pa)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat offset=4 (local.get $pa)))
                (local.set $c1_0 (f32x4.add (local.get $c1_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c1_1 (f32x4.add (local.get $c1_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat offset=8 (local.get $pa)))
                (local.set $c2_0 (f32x4.add (local.get $c2_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c2_1 (f32x4.add (local.get $c2_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat offset=12 (local.get $pa)))
                (local.set $c3_0 (f32x4.add (local.get $c3_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c3_1 (f32x4.add (local.get $c3_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pb) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $accumulate)
              (then
                (v128.store (local.get $pc) (f32x4.add (local.get $c0_0) (v128.load (local.get $pc))))
                (v128.store offset=16
                  (local.get $pc)
                  (f32x4.add (local.get $c0_1) (v128.load offset=16 (local.get $pc))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (f32x4.add (local.get $c1_0) (v128.load (local.get $pc))))
                (v128.store offset=16
                  (local.get $pc)
                  (f32x4.add (local.get $c1_1) (v128.load offset=16 (local.get $pc))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (f32x4.add (local.get $c2_0) (v128.load (local.get $pc))))
                (v128.store offset=16
                  (local.get $pc)
                  (f32x4.add (local.get $c2_1) (v128.load offset=16 (local.get $pc))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (f32x4.add (local.get $c3_0) (v128.load (local.get $pc))))
                (v128.store offset=16
                  (local.get $pc)
                  (f32x4.add (local.get $c3_1) (v128.load offset=16 (local.get $pc))))
              )
              (else
                (v128.store (local.get $pc) (local.get $c0_0))
                (v128.store offset=16 (local.get $pc) (local.get $c0_1))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (local.get $c1_0))
                (v128.store offset=16 (local.get $pc) (local.get $c1_1))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (local.get $c2_0))
                (v128.store offset=16 (local.get $pc) (local.get $c2_1))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (local.get $c3_0))
                (v128.store offset=16 (local.get $pc) (local.get $c3_1))
              ))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $i_next))))
  (func $atb_4x4
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $accumulate i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $end i32)
    (local $b0 v128)
    (local $c0_0 v128) (local $c1_0 v128) (local $c2_0 v128) (local $c3_0 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $n) (local.get $sb))))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (local.set $c1_0 (v128.const i32x4 0 0 0 0))
            (local.set $c2_0 (v128.const i32x4 0 0 0 0))
            (local.set $c3_0 (v128.const i32x4 0 0 0 0))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pb) (local.get $end)))
              (loop $k
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $c0_0
                  (f32x4.add (local.get $c0_0) (f32x4.mul (v128.load32_splat (local.get $pa)) (local.get $b0))))
                (local.set $c1_0
                  (f32x4.add
                    (local.get $c1_0)
                    (f32x4.mul (v128.load32_splat offset=4 (local.get $pa)) (local.get $b0))))
                (local.set $c2_0
                  (f32x4.add
                    (local.get $c2_0)
                    (f32x4.mul (v128.load32_splat offset=8 (local.get $pa)) (local.get $b0))))
                (local.set $c3_0
                  (f32x4.add
                    (local.get $c3_0)
                    (f32x4.mul (v128.load32_splat offset=12 (local.get $pa)) (local.get $b0))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pb) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $accumulate)
              (then
                (v128.store (local.get $pc) (f32x4.add (local.get $c0_0) (v128.load (local.get $pc))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (f32x4.add (local.get $c1_0) (v128.load (local.get $pc))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (f32x4.add (local.get $c2_0) (v128.load (local.get $pc))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (f32x4.add (local.get $c3_0) (v128.load (local.get $pc))))
              )
              (else
                (v128.store (local.get $pc) (local.get $c0_0))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (local.get $c1_0))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (local.get $c2_0))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (v128.store (local.get $pc) (local.get $c3_0))
              ))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $i_next))))
  (func $atb_1x8
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $accumulate i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $end i32)
    (local $s v128) (local $b0 v128) (local $b1 v128)
    (local $c0_0 v128) (local $c0_1 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $n) (local.get $sb))))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (local.set $c0_1 (v128.const i32x4 0 0 0 0))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pb) (local.get $end)))
              (loop $k
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $s (v128.load32_splat (local.get $pa)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pb) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $accumulate)
              (then
                (v128.store (local.get $pc) (f32x4.add (local.get $c0_0) (v128.load (local.get $pc))))
                (v128.store offset=16
                  (local.get $pc)
                  (f32x4.add (local.get $c0_1) (v128.load offset=16 (local.get $pc))))
              )
              (else
                (v128.store (local.get $pc) (local.get $c0_0))
                (v128.store offset=16 (local.get $pc) (local.get $c0_1))
              ))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_next))))
  (func $atb_1x4
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $accumulate i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $end i32)
    (local $b0 v128)
    (local $c0_0 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $n) (local.get $sb))))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pb) (local.get $end)))
              (loop $k
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $c0_0
                  (f32x4.add (local.get $c0_0) (f32x4.mul (v128.load32_splat (local.get $pa)) (local.get $b0))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pb) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $accumulate)
              (then
                (v128.store (local.get $pc) (f32x4.add (local.get $c0_0) (v128.load (local.get $pc))))
              )
              (else
                (v128.store (local.get $pc) (local.get $c0_0))
              ))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_next))))
  ;; The last p % 4 columns, four rows at a time: the rows run in the lanes, four neighbouring
  ;; floats of A against one broadcast element of B, and C is written lane by lane.
  (func $atb_4x1
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $accumulate i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $end i32) (local $c0_0 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $n) (local.get $sb))))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pb) (local.get $end)))
              (loop $k
                (local.set $c0_0
                  (f32x4.add
                    (local.get $c0_0)
                    (f32x4.mul (v128.load (local.get $pa)) (v128.load32_splat (local.get $pb)))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pb) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $accumulate)
              (then
                (f32.store
                  (local.get $pc)
                  (f32.add (f32.load (local.get $pc)) (f32x4.extract_lane 0 (local.get $c0_0))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (f32.store
                  (local.get $pc)
                  (f32.add (f32.load (local.get $pc)) (f32x4.extract_lane 1 (local.get $c0_0))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (f32.store
                  (local.get $pc)
                  (f32.add (f32.load (local.get $pc)) (f32x4.extract_lane 2 (local.get $c0_0))))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (f32.store
                  (local.get $pc)
                  (f32.add (f32.load (local.get $pc)) (f32x4.extract_lane 3 (local.get $c0_0))))
              )
              (else
                (f32.store (local.get $pc) (f32x4.extract_lane 0 (local.get $c0_0)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (f32.store (local.get $pc) (f32x4.extract_lane 1 (local.get $c0_0)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (f32.store (local.get $pc) (f32x4.extract_lane 2 (local.get $c0_0)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (f32.store (local.get $pc) (f32x4.extract_lane 3 (local.get $c0_0)))
              ))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $i_next))))
  ;; The corner left by both tails, one element at a time.
  (func $atb_1x1
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $accumulate i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $end i32) (local $sum f32)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $n) (local.get $sb))))
            (local.set $sum (f32.const 0))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pb) (local.get $end)))
              (loop $k
                (local.set $sum
                  (f32.add (local.get $sum) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pb) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $accumulate) (then (local.set $sum (f32.add (local.get $sum) (f32.load (local.get $pc))))))
            (f32.store (local.get $pc) (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_next))))
  ;; C [m×p] = Aᵀ·B, or C += Aᵀ·B when accumulate ≠ 0, with A [n×m] and B [n×p]: the weight
  ;; gradient xᵀ·dy of a dense layer, n being the batch.
  (func (export "atb")
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $m i32) (param $p i32) (param $accumulate i32)
    (local $sa i32) (local $sb i32) (local $m4 i32) (local $p8 i32) (local $p4 i32) (local $zero i32)
    (local.set $sa (i32.shl (local.get $m) (i32.const 2)))
    (local.set $sb (i32.shl (local.get $p) (i32.const 2)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $p8 (i32.and (local.get $p) (i32.const -8)))
    (local.set $p4 (i32.and (local.get $p) (i32.const -4)))
    (call $atb_4x8
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $sa)
      (local.get $sb)
      (local.get $zero)
      (local.get $m4)
      (local.get $zero)
      (local.get $p8)
      (local.get $accumulate))
    (call $atb_4x4
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $sa)
      (local.get $sb)
      (local.get $zero)
      (local.get $m4)
      (local.get $p8)
      (local.get $p4)
      (local.get $accumulate))
    (call $atb_4x1
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $sa)
      (local.get $sb)
      (local.get $zero)
      (local.get $m4)
      (local.get $p4)
      (local.get $p)
      (local.get $accumulate))
    (call $atb_1x8
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $sa)
      (local.get $sb)
      (local.get $m4)
      (local.get $m)
      (local.get $zero)
      (local.get $p8)
      (local.get $accumulate))
    (call $atb_1x4
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $sa)
      (local.get $sb)
      (local.get $m4)
      (local.get $m)
      (local.get $p8)
      (local.get $p4)
      (local.get $accumulate))
    (call $atb_1x1
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $sa)
      (local.get $sb)
      (local.get $m4)
      (local.get $m)
      (local.get $p4)
      (local.get $p)
      (local.get $accumulate)))

  ;; ab's tiles: rows [i0, i1) × columns [j0, j1) of C in 4 × 8, 4 × 4, 1 × 8 or 1 × 4 blocks,
  ;; over one block of k (n of them, A and B already offset to it). A row block needs a
  ;; pointer per row, the rows being n floats apart. init ≠ 0 starts from the bias (or zero)
  ;; rather than from C; relu ≠ 0 clamps at zero before storing.
  (func $ab_4x8
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $relu i32) (param $init i32)
    (local $i i32) (local $j i32) (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $pc i32) (local $end i32)
    (local $s v128) (local $b0 v128) (local $b1 v128)
    (local $c0_0 v128) (local $c0_1 v128) (local $c1_0 v128) (local $c1_1 v128) (local $c2_0 v128) (local $c2_1 v128)
    (local $c3_0 v128) (local $c3_1 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $sa)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $sa)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $sa)))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pa0) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $init)
              (then
                (if (local.get $bias)
                  (then
                    (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
                    (local.set $b1
                      (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
                    (local.set $c0_0 (local.get $b0))
                    (local.set $c0_1 (local.get $b1))
                    (local.set $c1_0 (local.get $b0))
                    (local.set $c1_1 (local.get $b1))
                    (local.set $c2_0 (local.get $b0))
                    (local.set $c2_1 (local.get $b1))
                    (local.set $c3_0 (local.get $b0))
                    (local.set $c3_1 (local.get $b1))
                  )
                  (else
                    (local.set $c0_0 (v128.const i32x4 0 0 0 0))
                    (local.set $c0_1 (v128.const i32x4 0 0 0 0))
                    (local.set $c1_0 (v128.const i32x4 0 0 0 0))
                    (local.set $c1_1 (v128.const i32x4 0 0 0 0))
                    (local.set $c2_0 (v128.const i32x4 0 0 0 0))
                    (local.set $c2_1 (v128.const i32x4 0 0 0 0))
                    (local.set $c3_0 (v128.const i32x4 0 0 0 0))
                    (local.set $c3_1 (v128.const i32x4 0 0 0 0))
                  )))
              (else
                (local.set $c0_0 (v128.load (local.get $pc)))
                (local.set $c0_1 (v128.load offset=16 (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (local.set $c1_0 (v128.load (local.get $pc)))
                (local.set $c1_1 (v128.load offset=16 (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (local.set $c2_0 (v128.load (local.get $pc)))
                (local.set $c2_1 (v128.load offset=16 (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (local.set $c3_0 (v128.load (local.get $pc)))
                (local.set $c3_1 (v128.load offset=16 (local.get $pc)))
              ))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $s (v128.load32_splat (local.get $pa0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (local.get $pa1)))
                (local.set $c1_0 (f32x4.add (local.get $c1_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c1_1 (f32x4.add (local.get $c1_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (local.get $pa2)))
                (local.set $c2_0 (f32x4.add (local.get $c2_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c2_1 (f32x4.add (local.get $c2_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (local.get $pa3)))
                (local.set $c3_0 (f32x4.add (local.get $c3_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c3_1 (f32x4.add (local.get $c3_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
                (local.set $pa2 (i32.add (local.get $pa2) (i32.const 4)))
                (local.set $pa3 (i32.add (local.get $pa3) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pa0) (local.get $end)))))
            (if (local.get $relu)
              (then
                (local.set $c0_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c0_0)))
                (local.set $c0_1 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c0_1)))
                (local.set $c1_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c1_0)))
                (local.set $c1_1 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c1_1)))
                (local.set $c2_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c2_0)))
                (local.set $c2_1 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c2_1)))
                (local.set $c3_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c3_0)))
                (local.set $c3_1 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c3_1)))
              ))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (v128.store (local.get $pc) (local.get $c0_0))
            (v128.store offset=16 (local.get $pc) (local.get $c0_1))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (v128.store (local.get $pc) (local.get $c1_0))
            (v128.store offset=16 (local.get $pc) (local.get $c1_1))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (v128.store (local.get $pc) (local.get $c2_0))
            (v128.store offset=16 (local.get $pc) (local.get $c2_1))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (v128.store (local.get $pc) (local.get $c3_0))
            (v128.store offset=16 (local.get $pc) (local.get $c3_1))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $i_next))))
  (func $ab_4x4
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $relu i32) (param $init i32)
    (local $i i32) (local $j i32) (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $pc i32) (local $end i32)
    (local $b0 v128)
    (local $c0_0 v128) (local $c1_0 v128) (local $c2_0 v128) (local $c3_0 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $sa)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $sa)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $sa)))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pa0) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $init)
              (then
                (if (local.get $bias)
                  (then
                    (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
                    (local.set $c0_0 (local.get $b0))
                    (local.set $c1_0 (local.get $b0))
                    (local.set $c2_0 (local.get $b0))
                    (local.set $c3_0 (local.get $b0))
                  )
                  (else
                    (local.set $c0_0 (v128.const i32x4 0 0 0 0))
                    (local.set $c1_0 (v128.const i32x4 0 0 0 0))
                    (local.set $c2_0 (v128.const i32x4 0 0 0 0))
                    (local.set $c3_0 (v128.const i32x4 0 0 0 0))
                  )))
              (else
                (local.set $c0_0 (v128.load (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (local.set $c1_0 (v128.load (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (local.set $c2_0 (v128.load (local.get $pc)))
                (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
                (local.set $c3_0 (v128.load (local.get $pc)))
              ))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $c0_0
                  (f32x4.add (local.get $c0_0) (f32x4.mul (v128.load32_splat (local.get $pa0)) (local.get $b0))))
                (local.set $c1_0
                  (f32x4.add (local.get $c1_0) (f32x4.mul (v128.load32_splat (local.get $pa1)) (local.get $b0))))
                (local.set $c2_0
                  (f32x4.add (local.get $c2_0) (f32x4.mul (v128.load32_splat (local.get $pa2)) (local.get $b0))))
                (local.set $c3_0
                  (f32x4.add (local.get $c3_0) (f32x4.mul (v128.load32_splat (local.get $pa3)) (local.get $b0))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
                (local.set $pa2 (i32.add (local.get $pa2) (i32.const 4)))
                (local.set $pa3 (i32.add (local.get $pa3) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pa0) (local.get $end)))))
            (if (local.get $relu)
              (then
                (local.set $c0_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c0_0)))
                (local.set $c1_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c1_0)))
                (local.set $c2_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c2_0)))
                (local.set $c3_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c3_0)))
              ))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (v128.store (local.get $pc) (local.get $c0_0))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (v128.store (local.get $pc) (local.get $c1_0))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (v128.store (local.get $pc) (local.get $c2_0))
            (local.set $pc (i32.add (local.get $pc) (local.get $sb)))
            (v128.store (local.get $pc) (local.get $c3_0))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $i_next))))
  (func $ab_1x8
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $relu i32) (param $init i32)
    (local $i i32) (local $j i32) (local $pa0 i32) (local $pb i32) (local $pc i32) (local $end i32)
    (local $s v128) (local $b0 v128) (local $b1 v128)
    (local $c0_0 v128) (local $c0_1 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pa0) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $init)
              (then
                (if (local.get $bias)
                  (then
                    (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
                    (local.set $b1
                      (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
                    (local.set $c0_0 (local.get $b0))
                    (local.set $c0_1 (local.get $b1))
                  )
                  (else
                    (local.set $c0_0 (v128.const i32x4 0 0 0 0))
                    (local.set $c0_1 (v128.const i32x4 0 0 0 0))
                  )))
              (else
                (local.set $c0_0 (v128.load (local.get $pc)))
                (local.set $c0_1 (v128.load offset=16 (local.get $pc)))
              ))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $s (v128.load32_splat (local.get $pa0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pa0) (local.get $end)))))
            (if (local.get $relu)
              (then
                (local.set $c0_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c0_0)))
                (local.set $c0_1 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c0_1)))
              ))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (v128.store (local.get $pc) (local.get $c0_0))
            (v128.store offset=16 (local.get $pc) (local.get $c0_1))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_next))))
  (func $ab_1x4
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $relu i32) (param $init i32)
    (local $i i32) (local $j i32) (local $pa0 i32) (local $pb i32) (local $pc i32) (local $end i32)
    (local $b0 v128)
    (local $c0_0 v128)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pa0) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (if (local.get $init)
              (then
                (if (local.get $bias)
                  (then
                    (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
                    (local.set $c0_0 (local.get $b0))
                  )
                  (else
                    (local.set $c0_0 (v128.const i32x4 0 0 0 0))
                  )))
              (else
                (local.set $c0_0 (v128.load (local.get $pc)))
              ))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $c0_0
                  (f32x4.add (local.get $c0_0) (f32x4.mul (v128.load32_splat (local.get $pa0)) (local.get $b0))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pa0) (local.get $end)))))
            (if (local.get $relu)
              (then
                (local.set $c0_0 (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $c0_0)))
              ))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2))))
            (v128.store (local.get $pc) (local.get $c0_0))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_next))))
  ;; The last p % 4 columns, one element at a time over all of k, bias and ReLU included.
  (func $ab_1x1
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32) (param $n i32) (param $sa i32) (param $sb i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $relu i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $end i32) (local $sum f32)
    (local.set $i (local.get $i0))
    (block $i_done
      (loop $i_next
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $j_done
          (loop $j_next
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $end (i32.add (local.get $pa) (local.get $sa)))
            (local.set $sum (f32.const 0))
            (if
              (local.get $bias)
              (then (local.set $sum (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa) (local.get $end)))
              (loop $k
                (local.set $sum
                  (f32.add (local.get $sum) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
                (br_if $k (i32.lt_u (local.get $pa) (local.get $end)))))
            (if (local.get $relu) (then (local.set $sum (f32.max (local.get $sum) (f32.const 0)))))
            (f32.store
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sb)))
                (i32.shl (local.get $j) (i32.const 2)))
              (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j_next)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_next))))
  ;; C [m×p] = A·B with A [m×n] and B [n×p], plus bias [p] on every row when bias ≠ 0, then
  ;; max(0, ·) when relu ≠ 0: a dense layer's forward pass.
  ;; k runs in blocks of 256, so that the rows of B a block reads (256·p floats, 512 KiB at
  ;; p = 512) stay in L2 while all the row blocks of A pass over them: streaming all of a
  ;; 784 × 512 B (1.6 MiB) per row block ran 40% slower. The first block starts from the bias,
  ;; later blocks add to C, and the ReLU waits for the last.
  (func (export "ab")
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32) (param $m i32) (param $n i32) (param $p i32)
    (param $relu i32)
    (local $sa i32) (local $sb i32) (local $m4 i32) (local $p8 i32) (local $p4 i32) (local $zero i32) (local $k0 i32)
    (local $kc i32) (local $ak i32) (local $bk i32) (local $init i32) (local $relu_now i32)
    (local.set $sa (i32.shl (local.get $n) (i32.const 2)))
    (local.set $sb (i32.shl (local.get $p) (i32.const 2)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $p8 (i32.and (local.get $p) (i32.const -8)))
    (local.set $p4 (i32.and (local.get $p) (i32.const -4)))
  ;; One pass even when n = 0, so C still gets the bias.
    (loop $blocks
      (local.set $kc (i32.sub (local.get $n) (local.get $k0)))
      (local.set $kc (select (i32.const 256) (local.get $kc) (i32.gt_u (local.get $kc) (i32.const 256))))
      (local.set $ak (i32.add (local.get $a) (i32.shl (local.get $k0) (i32.const 2))))
      (local.set $bk (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $sb))))
      (local.set $init (i32.eqz (local.get $k0)))
      (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
      (local.set $relu_now (i32.and (local.get $relu) (i32.ge_u (local.get $k0) (local.get $n))))
      (call $ab_4x8
        (local.get $ak)
        (local.get $bk)
        (local.get $bias)
        (local.get $c)
        (local.get $kc)
        (local.get $sa)
        (local.get $sb)
        (local.get $zero)
        (local.get $m4)
        (local.get $zero)
        (local.get $p8)
        (local.get $relu_now)
        (local.get $init))
      (call $ab_4x4
        (local.get $ak)
        (local.get $bk)
        (local.get $bias)
        (local.get $c)
        (local.get $kc)
        (local.get $sa)
        (local.get $sb)
        (local.get $zero)
        (local.get $m4)
        (local.get $p8)
        (local.get $p4)
        (local.get $relu_now)
        (local.get $init))
      (call $ab_1x8
        (local.get $ak)
        (local.get $bk)
        (local.get $bias)
        (local.get $c)
        (local.get $kc)
        (local.get $sa)
        (local.get $sb)
        (local.get $m4)
        (local.get $m)
        (local.get $zero)
        (local.get $p8)
        (local.get $relu_now)
        (local.get $init))
      (call $ab_1x4
        (local.get $ak)
        (local.get $bk)
        (local.get $bias)
        (local.get $c)
        (local.get $kc)
        (local.get $sa)
        (local.get $sb)
        (local.get $m4)
        (local.get $m)
        (local.get $p8)
        (local.get $p4)
        (local.get $relu_now)
        (local.get $init))
      (br_if $blocks (i32.lt_u (local.get $k0) (local.get $n))))
    (call $ab_1x1
      (local.get $a)
      (local.get $b)
      (local.get $bias)
      (local.get $c)
      (local.get $n)
      (local.get $sa)
      (local.get $sb)
      (local.get $zero)
      (local.get $m)
      (local.get $p4)
      (local.get $p)
      (local.get $relu)))

  ;; abt's tiles: rows [i0, i1) × columns [j0, j1) of C in 2 × 4, 2 × 1, 1 × 4 or 1 × 1 blocks.
  ;; Rows of A and of B both run along n, so the lanes do too: each element of the block sums
  ;; in a vector of four partial sums, and two rounds of shuffles and adds turn a row of four
  ;; such vectors into the row's four results.
  (func $abt_2x4
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $s i32) (param $sc i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32)
    (local $i i32) (local $j i32) (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pb1 i32) (local $pb2 i32)
    (local $pb3 i32) (local $pc i32) (local $end i32)
    (local $v v128) (local $t0 v128) (local $t1 v128) (local $a0 v128) (local $a1 v128)
    (local $c0_0 v128) (local $c0_1 v128) (local $c0_2 v128) (local $c0_3 v128) (local $c1_0 v128) (local $c1_1 v128)
    (local $c1_2 v128) (local $c1_3 v128)
    (local.set $j (local.get $j0))
    (block $j_done
      (loop $j_next
        (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
        (local.set $i (local.get $i0))
        (block $i_done
          (loop $i_next
            (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $s))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $s)))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $s))))
            (local.set $pb1 (i32.add (local.get $pb0) (local.get $s)))
            (local.set $pb2 (i32.add (local.get $pb1) (local.get $s)))
            (local.set $pb3 (i32.add (local.get $pb2) (local.get $s)))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (local.set $c0_1 (v128.const i32x4 0 0 0 0))
            (local.set $c0_2 (v128.const i32x4 0 0 0 0))
            (local.set $c0_3 (v128.const i32x4 0 0 0 0))
            (local.set $c1_0 (v128.const i32x4 0 0 0 0))
            (local.set $c1_1 (v128.const i32x4 0 0 0 0))
            (local.set $c1_2 (v128.const i32x4 0 0 0 0))
            (local.set $c1_3 (v128.const i32x4 0 0 0 0))
            (local.set $end (i32.add (local.get $pa0) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
            (block $k4_done
              (br_if $k4_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k4
                (local.set $a0 (v128.load (local.get $pa0)))
                (local.set $a1 (v128.load (local.get $pa1)))
                (local.set $v (v128.load (local.get $pb0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_0 (f32x4.add (local.get $c1_0) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $v (v128.load (local.get $pb1)))
                (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_1 (f32x4.add (local.get $c1_1) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $v (v128.load (local.get $pb2)))
                (local.set $c0_2 (f32x4.add (local.get $c0_2) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_2 (f32x4.add (local.get $c1_2) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $v (v128.load (local.get $pb3)))
                (local.set $c0_3 (f32x4.add (local.get $c0_3) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_3 (f32x4.add (local.get $c1_3) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 16)))
                (local.set $pa1 (i32.add (local.get $pa1) (i32.const 16)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 16)))
                (local.set $pb1 (i32.add (local.get $pb1) (i32.const 16)))
                (local.set $pb2 (i32.add (local.get $pb2) (i32.const 16)))
                (local.set $pb3 (i32.add (local.get $pb3) (i32.const 16)))
                (br_if $k4 (i32.lt_u (local.get $pa0) (local.get $end)))))
            ;; The last n % 4 products go to lane 0 alone.
            (local.set $end (i32.add (local.get $pa0) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k
                (local.set $a0 (v128.load32_zero (local.get $pa0)))
                (local.set $a1 (v128.load32_zero (local.get $pa1)))
                (local.set $v (v128.load32_zero (local.get $pb0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_0 (f32x4.add (local.get $c1_0) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $v (v128.load32_zero (local.get $pb1)))
                (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_1 (f32x4.add (local.get $c1_1) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $v (v128.load32_zero (local.get $pb2)))
                (local.set $c0_2 (f32x4.add (local.get $c0_2) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_2 (f32x4.add (local.get $c1_2) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $v (v128.load32_zero (local.get $pb3)))
                (local.set $c0_3 (f32x4.add (local.get $c0_3) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_3 (f32x4.add (local.get $c1_3) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 4)))
                (local.set $pb1 (i32.add (local.get $pb1) (i32.const 4)))
                (local.set $pb2 (i32.add (local.get $pb2) (i32.const 4)))
                (local.set $pb3 (i32.add (local.get $pb3) (i32.const 4)))
                (br_if $k (i32.lt_u (local.get $pa0) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sc)))
                (i32.shl (local.get $j) (i32.const 2))))
            (local.set $t0
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c0_0) (local.get $c0_1))
                (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c0_0) (local.get $c0_1))))
            (local.set $t1
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c0_2) (local.get $c0_3))
                (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c0_2) (local.get $c0_3))))
            (v128.store
              (local.get $pc)
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1))))
            (local.set $pc (i32.add (local.get $pc) (local.get $sc)))
            (local.set $t0
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c1_0) (local.get $c1_1))
                (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c1_0) (local.get $c1_1))))
            (local.set $t1
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c1_2) (local.get $c1_3))
                (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c1_2) (local.get $c1_3))))
            (v128.store
              (local.get $pc)
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $i_next)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $j_next))))
  (func $abt_2x1
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $s i32) (param $sc i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32)
    (local $i i32) (local $j i32) (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pc i32) (local $end i32)
    (local $v v128) (local $t0 v128) (local $a0 v128) (local $a1 v128)
    (local $c0_0 v128) (local $c1_0 v128)
    (local.set $j (local.get $j0))
    (block $j_done
      (loop $j_next
        (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
        (local.set $i (local.get $i0))
        (block $i_done
          (loop $i_next
            (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $s))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $s)))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $s))))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (local.set $c1_0 (v128.const i32x4 0 0 0 0))
            (local.set $end (i32.add (local.get $pa0) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
            (block $k4_done
              (br_if $k4_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k4
                (local.set $a0 (v128.load (local.get $pa0)))
                (local.set $a1 (v128.load (local.get $pa1)))
                (local.set $v (v128.load (local.get $pb0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_0 (f32x4.add (local.get $c1_0) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 16)))
                (local.set $pa1 (i32.add (local.get $pa1) (i32.const 16)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 16)))
                (br_if $k4 (i32.lt_u (local.get $pa0) (local.get $end)))))
            ;; The last n % 4 products go to lane 0 alone.
            (local.set $end (i32.add (local.get $pa0) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k
                (local.set $a0 (v128.load32_zero (local.get $pa0)))
                (local.set $a1 (v128.load32_zero (local.get $pa1)))
                (local.set $v (v128.load32_zero (local.get $pb0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $c1_0 (f32x4.add (local.get $c1_0) (f32x4.mul (local.get $a1) (local.get $v))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 4)))
                (br_if $k (i32.lt_u (local.get $pa0) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sc)))
                (i32.shl (local.get $j) (i32.const 2))))
            (local.set $t0
              (f32x4.add
                (local.get $c0_0)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c0_0) (local.get $c0_0))))
            (f32.store
              (local.get $pc)
              (f32.add (f32x4.extract_lane 0 (local.get $t0)) (f32x4.extract_lane 1 (local.get $t0))))
            (local.set $pc (i32.add (local.get $pc) (local.get $sc)))
            (local.set $t0
              (f32x4.add
                (local.get $c1_0)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c1_0) (local.get $c1_0))))
            (f32.store
              (local.get $pc)
              (f32.add (f32x4.extract_lane 0 (local.get $t0)) (f32x4.extract_lane 1 (local.get $t0))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $i_next)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $j_next))))
  (func $abt_1x4
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $s i32) (param $sc i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32)
    (local $i i32) (local $j i32) (local $pa0 i32) (local $pb0 i32) (local $pb1 i32) (local $pb2 i32) (local $pb3 i32)
    (local $pc i32) (local $end i32)
    (local $v v128) (local $t0 v128) (local $t1 v128) (local $a0 v128)
    (local $c0_0 v128) (local $c0_1 v128) (local $c0_2 v128) (local $c0_3 v128)
    (local.set $j (local.get $j0))
    (block $j_done
      (loop $j_next
        (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
        (local.set $i (local.get $i0))
        (block $i_done
          (loop $i_next
            (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $s))))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $s))))
            (local.set $pb1 (i32.add (local.get $pb0) (local.get $s)))
            (local.set $pb2 (i32.add (local.get $pb1) (local.get $s)))
            (local.set $pb3 (i32.add (local.get $pb2) (local.get $s)))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (local.set $c0_1 (v128.const i32x4 0 0 0 0))
            (local.set $c0_2 (v128.const i32x4 0 0 0 0))
            (local.set $c0_3 (v128.const i32x4 0 0 0 0))
            (local.set $end (i32.add (local.get $pa0) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
            (block $k4_done
              (br_if $k4_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k4
                (local.set $a0 (v128.load (local.get $pa0)))
                (local.set $v (v128.load (local.get $pb0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $v (v128.load (local.get $pb1)))
                (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $v (v128.load (local.get $pb2)))
                (local.set $c0_2 (f32x4.add (local.get $c0_2) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $v (v128.load (local.get $pb3)))
                (local.set $c0_3 (f32x4.add (local.get $c0_3) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 16)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 16)))
                (local.set $pb1 (i32.add (local.get $pb1) (i32.const 16)))
                (local.set $pb2 (i32.add (local.get $pb2) (i32.const 16)))
                (local.set $pb3 (i32.add (local.get $pb3) (i32.const 16)))
                (br_if $k4 (i32.lt_u (local.get $pa0) (local.get $end)))))
            ;; The last n % 4 products go to lane 0 alone.
            (local.set $end (i32.add (local.get $pa0) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k
                (local.set $a0 (v128.load32_zero (local.get $pa0)))
                (local.set $v (v128.load32_zero (local.get $pb0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $v (v128.load32_zero (local.get $pb1)))
                (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $v (v128.load32_zero (local.get $pb2)))
                (local.set $c0_2 (f32x4.add (local.get $c0_2) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $v (v128.load32_zero (local.get $pb3)))
                (local.set $c0_3 (f32x4.add (local.get $c0_3) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 4)))
                (local.set $pb1 (i32.add (local.get $pb1) (i32.const 4)))
                (local.set $pb2 (i32.add (local.get $pb2) (i32.const 4)))
                (local.set $pb3 (i32.add (local.get $pb3) (i32.const 4)))
                (br_if $k (i32.lt_u (local.get $pa0) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sc)))
                (i32.shl (local.get $j) (i32.const 2))))
            (local.set $t0
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c0_0) (local.get $c0_1))
                (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c0_0) (local.get $c0_1))))
            (local.set $t1
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c0_2) (local.get $c0_3))
                (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c0_2) (local.get $c0_3))))
            (v128.store
              (local.get $pc)
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $i_next)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $j_next))))
  (func $abt_1x1
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $s i32) (param $sc i32) (param $i0 i32)
    (param $i1 i32) (param $j0 i32) (param $j1 i32)
    (local $i i32) (local $j i32) (local $pa0 i32) (local $pb0 i32) (local $pc i32) (local $end i32)
    (local $v v128) (local $t0 v128) (local $a0 v128)
    (local $c0_0 v128)
    (local.set $j (local.get $j0))
    (block $j_done
      (loop $j_next
        (br_if $j_done (i32.ge_u (local.get $j) (local.get $j1)))
        (local.set $i (local.get $i0))
        (block $i_done
          (loop $i_next
            (br_if $i_done (i32.ge_u (local.get $i) (local.get $i1)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $s))))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $s))))
            (local.set $c0_0 (v128.const i32x4 0 0 0 0))
            (local.set $end (i32.add (local.get $pa0) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
            (block $k4_done
              (br_if $k4_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k4
                (local.set $a0 (v128.load (local.get $pa0)))
                (local.set $v (v128.load (local.get $pb0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 16)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 16)))
                (br_if $k4 (i32.lt_u (local.get $pa0) (local.get $end)))))
            ;; The last n % 4 products go to lane 0 alone.
            (local.set $end (i32.add (local.get $pa0) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
            (block $k_done
              (br_if $k_done (i32.ge_u (local.get $pa0) (local.get $end)))
              (loop $k
                (local.set $a0 (v128.load32_zero (local.get $pa0)))
                (local.set $v (v128.load32_zero (local.get $pb0)))
                (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $a0) (local.get $v))))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 4)))
                (br_if $k (i32.lt_u (local.get $pa0) (local.get $end)))))
            (local.set $pc
              (i32.add
                (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sc)))
                (i32.shl (local.get $j) (i32.const 2))))
            (local.set $t0
              (f32x4.add
                (local.get $c0_0)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c0_0) (local.get $c0_0))))
            (f32.store
              (local.get $pc)
              (f32.add (f32x4.extract_lane 0 (local.get $t0)) (f32x4.extract_lane 1 (local.get $t0))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $i_next)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $j_next))))
  ;; C [m×p] = A·Bᵀ with A [m×n] and B [p×n]: the input gradient dy·Wᵀ of a dense layer.
  (func (export "abt")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $p i32)
    (local $s i32) (local $sc i32) (local $m2 i32) (local $p4 i32) (local $zero i32)
    (local.set $s (i32.shl (local.get $n) (i32.const 2)))
    (local.set $sc (i32.shl (local.get $p) (i32.const 2)))
    (local.set $m2 (i32.and (local.get $m) (i32.const -2)))
    (local.set $p4 (i32.and (local.get $p) (i32.const -4)))
    (call $abt_2x4
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $s)
      (local.get $sc)
      (local.get $zero)
      (local.get $m2)
      (local.get $zero)
      (local.get $p4))
    (call $abt_2x1
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $s)
      (local.get $sc)
      (local.get $zero)
      (local.get $m2)
      (local.get $p4)
      (local.get $p))
    (call $abt_1x4
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $s)
      (local.get $sc)
      (local.get $m2)
      (local.get $m)
      (local.get $zero)
      (local.get $p4))
    (call $abt_1x1
      (local.get $a)
      (local.get $b)
      (local.get $c)
      (local.get $n)
      (local.get $s)
      (local.get $sc)
      (local.get $m2)
      (local.get $m)
      (local.get $p4)
      (local.get $p)))

  ;; One band (output rows [y0, y1)) of one image, added to dw for input channels [ci0, ci1)
  ;; × output channels [co0, co1), in blocks of 4 × 8, 4 × 4, 4 × 1 (input channels in the
  ;; lanes), 1 × 16, 1 × 4 or 1 × 1. For a tap (kh, kw), the pixels whose neighbour lies inside
  ;; the image form one run per row, so no pixel needs a test. The nine taps run inside a
  ;; channel block, so they reuse its slices of x and dy from L1. xs and ds are x's and dy's
  ;; pixel strides in bytes.
  (func $conv_4x8
    (param $x i32) (param $dy i32) (param $dw i32) (param $h i32) (param $w i32) (param $xs i32) (param $ds i32)
    (param $y0 i32) (param $y1 i32) (param $ci0 i32) (param $ci1 i32) (param $co0 i32) (param $co1 i32)
    (local $ci i32) (local $co i32) (local $kh i32) (local $kw i32) (local $ylo i32) (local $rows i32) (local $row i32)
    (local $len i32) (local $tap i32) (local $xrow i32) (local $drow i32)
    (local $px i32) (local $pd i32) (local $rx i32) (local $rd i32) (local $pc i32) (local $end i32)
    (local $s v128) (local $b0 v128) (local $b1 v128)
    (local $c0_0 v128) (local $c0_1 v128) (local $c1_0 v128) (local $c1_1 v128) (local $c2_0 v128) (local $c2_1 v128)
    (local $c3_0 v128) (local $c3_1 v128)
    (local.set $xrow (i32.mul (local.get $w) (local.get $xs)))
    (local.set $drow (i32.mul (local.get $w) (local.get $ds)))
    (local.set $tap (i32.mul (i32.shr_u (local.get $xs) (i32.const 2)) (local.get $ds)))
    (local.set $co (local.get $co0))
    (block $co_done
      (loop $co_next
        (br_if $co_done (i32.ge_u (local.get $co) (local.get $co1)))
        (local.set $ci (local.get $ci0))
        (block $ci_done
          (loop $ci_next
            (br_if $ci_done (i32.ge_u (local.get $ci) (local.get $ci1)))
            (local.set $kh (i32.const 0))
            (block $kh_done
              (loop $kh_next
                (br_if $kh_done (i32.ge_u (local.get $kh) (i32.const 3)))
                ;; Output rows [ylo, ylo + rows) of the band see input rows inside the image.
                (local.set $ylo (i32.add (local.get $y0) (i32.and (i32.eqz (local.get $y0)) (i32.eqz (local.get $kh)))))
                (local.set $rows
                  (i32.sub
                    (local.get $y1)
                    (i32.and (i32.eq (local.get $y1) (local.get $h)) (i32.eq (local.get $kh) (i32.const 2)))))
                (local.set $rows (i32.sub (local.get $rows) (local.get $ylo)))
                (local.set $kw (i32.const 0))
                (block $kw_done
                  (loop $kw_next
                    (br_if $kw_done (i32.ge_u (local.get $kw) (i32.const 3)))
                    ;; Likewise output columns [kw = 0, w − (kw = 2)), the same for every row.
                    (local.set $len (i32.sub (local.get $w) (i32.ne (local.get $kw) (i32.const 1))))
                    (if (i32.and (i32.gt_s (local.get $rows) (i32.const 0)) (i32.gt_s (local.get $len) (i32.const 0)))
                      (then
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (local.set $c0_0 (v128.load (local.get $pc)))
                        (local.set $c0_1 (v128.load offset=16 (local.get $pc)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (local.set $c1_0 (v128.load (local.get $pc)))
                        (local.set $c1_1 (v128.load offset=16 (local.get $pc)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (local.set $c2_0 (v128.load (local.get $pc)))
                        (local.set $c2_1 (v128.load offset=16 (local.get $pc)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (local.set $c3_0 (v128.load (local.get $pc)))
                        (local.set $c3_1 (v128.load offset=16 (local.get $pc)))
                        (local.set $rx
                          (i32.add
                            (i32.add (local.get $x) (i32.shl (local.get $ci) (i32.const 2)))
                            (i32.add
                              (i32.mul
                                (i32.sub (i32.add (local.get $ylo) (local.get $kh)) (i32.const 1))
                                (local.get $xrow))
                              (i32.mul (i32.shr_u (local.get $kw) (i32.const 1)) (local.get $xs)))))
                        (local.set $rd
                          (i32.add
                            (i32.add (local.get $dy) (i32.shl (local.get $co) (i32.const 2)))
                            (i32.add
                              (i32.mul (local.get $ylo) (local.get $drow))
                              (i32.mul (i32.eqz (local.get $kw)) (local.get $ds)))))
                        (local.set $row (local.get $rows))
                        (loop $rows
                          (local.set $px (local.get $rx))
                          (local.set $pd (local.get $rd))
                          (local.set $end (i32.add (local.get $rd) (i32.mul (local.get $len) (local.get $ds))))
                          (loop $pixels
                            (local.set $b0 (v128.load (local.get $pd)))
                            (local.set $b1 (v128.load offset=16 (local.get $pd)))
                            (local.set $s (v128.load32_splat (local.get $px)))
                            (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $s) (local.get $b0))))
                            (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $s) (local.get $b1))))
                            (local.set $s (v128.load32_splat offset=4 (local.get $px)))
                            (local.set $c1_0 (f32x4.add (local.get $c1_0) (f32x4.mul (local.get $s) (local.get $b0))))
                            (local.set $c1_1 (f32x4.add (local.get $c1_1) (f32x4.mul (local.get $s) (local.get $b1))))
                            (local.set $s (v128.load32_splat offset=8 (local.get $px)))
                            (local.set $c2_0 (f32x4.add (local.get $c2_0) (f32x4.mul (local.get $s) (local.get $b0))))
                            (local.set $c2_1 (f32x4.add (local.get $c2_1) (f32x4.mul (local.get $s) (local.get $b1))))
                            (local.set $s (v128.load32_splat offset=12 (local.get $px)))
                            (local.set $c3_0 (f32x4.add (local.get $c3_0) (f32x4.mul (local.get $s) (local.get $b0))))
                            (local.set $c3_1 (f32x4.add (local.get $c3_1) (f32x4.mul (local.get $s) (local.get $b1))))
                            (local.set $px (i32.add (local.get $px) (local.get $xs)))
                            (local.set $pd (i32.add (local.get $pd) (local.get $ds)))
                            (br_if $pixels (i32.lt_u (local.get $pd) (local.get $end))))
                          (local.set $rx (i32.add (local.get $rx) (local.get $xrow)))
                          (local.set $rd (i32.add (local.get $rd) (local.get $drow)))
                          (local.set $row (i32.sub (local.get $row) (i32.const 1)))
                          (br_if $rows (local.get $row)))
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (v128.store (local.get $pc) (local.get $c0_0))
                        (v128.store offset=16 (local.get $pc) (local.get $c0_1))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (v128.store (local.get $pc) (local.get $c1_0))
                        (v128.store offset=16 (local.get $pc) (local.get $c1_1))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (v128.store (local.get $pc) (local.get $c2_0))
                        (v128.store offset=16 (local.get $pc) (local.get $c2_1))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (v128.store (local.get $pc) (local.get $c3_0))
                        (v128.store offset=16 (local.get $pc) (local.get $c3_1))
                      ))
                    (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                    (br $kw_next)))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $kh_next)))
            (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
            (br $ci_next)))
        (local.set $co (i32.add (local.get $co) (i32.const 8)))
        (br $co_next))))
  (func $conv_4x4
    (param $x i32) (param $dy i32) (param $dw i32) (param $h i32) (param $w i32) (param $xs i32) (param $ds i32)
    (param $y0 i32) (param $y1 i32) (param $ci0 i32) (param $ci1 i32) (param $co0 i32) (param $co1 i32)
    (local $ci i32) (local $co i32) (local $kh i32) (local $kw i32) (local $ylo i32) (local $rows i32) (local $row i32)
    (local $len i32) (local $tap i32) (local $xrow i32) (local $drow i32)
    (local $px i32) (local $pd i32) (local $rx i32) (local $rd i32) (local $pc i32) (local $end i32)
    (local $b0 v128)
    (local $c0_0 v128) (local $c1_0 v128) (local $c2_0 v128) (local $c3_0 v128)
    (local.set $xrow (i32.mul (local.get $w) (local.get $xs)))
    (local.set $drow (i32.mul (local.get $w) (local.get $ds)))
    (local.set $tap (i32.mul (i32.shr_u (local.get $xs) (i32.const 2)) (local.get $ds)))
    (local.set $co (local.get $co0))
    (block $co_done
      (loop $co_next
        (br_if $co_done (i32.ge_u (local.get $co) (local.get $co1)))
        (local.set $ci (local.get $ci0))
        (block $ci_done
          (loop $ci_next
            (br_if $ci_done (i32.ge_u (local.get $ci) (local.get $ci1)))
            (local.set $kh (i32.const 0))
            (block $kh_done
              (loop $kh_next
                (br_if $kh_done (i32.ge_u (local.get $kh) (i32.const 3)))
                ;; Output rows [ylo, ylo + rows) of the band see input rows inside the image.
                (local.set $ylo (i32.add (local.get $y0) (i32.and (i32.eqz (local.get $y0)) (i32.eqz (local.get $kh)))))
                (local.set $rows
                  (i32.sub
                    (local.get $y1)
                    (i32.and (i32.eq (local.get $y1) (local.get $h)) (i32.eq (local.get $kh) (i32.const 2)))))
                (local.set $rows (i32.sub (local.get $rows) (local.get $ylo)))
                (local.set $kw (i32.const 0))
                (block $kw_done
                  (loop $kw_next
                    (br_if $kw_done (i32.ge_u (local.get $kw) (i32.const 3)))
                    ;; Likewise output columns [kw = 0, w − (kw = 2)), the same for every row.
                    (local.set $len (i32.sub (local.get $w) (i32.ne (local.get $kw) (i32.const 1))))
                    (if (i32.and (i32.gt_s (local.get $rows) (i32.const 0)) (i32.gt_s (local.get $len) (i32.const 0)))
                      (then
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (local.set $c0_0 (v128.load (local.get $pc)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (local.set $c1_0 (v128.load (local.get $pc)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (local.set $c2_0 (v128.load (local.get $pc)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (local.set $c3_0 (v128.load (local.get $pc)))
                        (local.set $rx
                          (i32.add
                            (i32.add (local.get $x) (i32.shl (local.get $ci) (i32.const 2)))
                            (i32.add
                              (i32.mul
                                (i32.sub (i32.add (local.get $ylo) (local.get $kh)) (i32.const 1))
                                (local.get $xrow))
                              (i32.mul (i32.shr_u (local.get $kw) (i32.const 1)) (local.get $xs)))))
                        (local.set $rd
                          (i32.add
                            (i32.add (local.get $dy) (i32.shl (local.get $co) (i32.const 2)))
                            (i32.add
                              (i32.mul (local.get $ylo) (local.get $drow))
                              (i32.mul (i32.eqz (local.get $kw)) (local.get $ds)))))
                        (local.set $row (local.get $rows))
                        (loop $rows
                          (local.set $px (local.get $rx))
                          (local.set $pd (local.get $rd))
                          (local.set $end (i32.add (local.get $rd) (i32.mul (local.get $len) (local.get $ds))))
                          (loop $pixels
                            (local.set $b0 (v128.load (local.get $pd)))
                            (local.set $c0_0
                              (f32x4.add
                                (local.get $c0_0)
                                (f32x4.mul (v128.load32_splat (local.get $px)) (local.get $b0))))
                            (local.set $c1_0
                              (f32x4.add
                                (local.get $c1_0)
                                (f32x4.mul (v128.load32_splat offset=4 (local.get $px)) (local.get $b0))))
                            (local.set $c2_0
                              (f32x4.add
                                (local.get $c2_0)
                                (f32x4.mul (v128.load32_splat offset=8 (local.get $px)) (local.get $b0))))
                            (local.set $c3_0
                              (f32x4.add
                                (local.get $c3_0)
                                (f32x4.mul (v128.load32_splat offset=12 (local.get $px)) (local.get $b0))))
                            (local.set $px (i32.add (local.get $px) (local.get $xs)))
                            (local.set $pd (i32.add (local.get $pd) (local.get $ds)))
                            (br_if $pixels (i32.lt_u (local.get $pd) (local.get $end))))
                          (local.set $rx (i32.add (local.get $rx) (local.get $xrow)))
                          (local.set $rd (i32.add (local.get $rd) (local.get $drow)))
                          (local.set $row (i32.sub (local.get $row) (i32.const 1)))
                          (br_if $rows (local.get $row)))
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (v128.store (local.get $pc) (local.get $c0_0))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (v128.store (local.get $pc) (local.get $c1_0))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (v128.store (local.get $pc) (local.get $c2_0))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (v128.store (local.get $pc) (local.get $c3_0))
                      ))
                    (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                    (br $kw_next)))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $kh_next)))
            (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
            (br $ci_next)))
        (local.set $co (i32.add (local.get $co) (i32.const 4)))
        (br $co_next))))
  (func $conv_4x1
    (param $x i32) (param $dy i32) (param $dw i32) (param $h i32) (param $w i32) (param $xs i32) (param $ds i32)
    (param $y0 i32) (param $y1 i32) (param $ci0 i32) (param $ci1 i32) (param $co0 i32) (param $co1 i32)
    (local $ci i32) (local $co i32) (local $kh i32) (local $kw i32) (local $ylo i32) (local $rows i32) (local $row i32)
    (local $len i32) (local $tap i32) (local $xrow i32) (local $drow i32)
    (local $px i32) (local $pd i32) (local $rx i32) (local $rd i32) (local $pc i32) (local $end i32)
    (local $c0_0 v128)
    (local.set $xrow (i32.mul (local.get $w) (local.get $xs)))
    (local.set $drow (i32.mul (local.get $w) (local.get $ds)))
    (local.set $tap (i32.mul (i32.shr_u (local.get $xs) (i32.const 2)) (local.get $ds)))
    (local.set $co (local.get $co0))
    (block $co_done
      (loop $co_next
        (br_if $co_done (i32.ge_u (local.get $co) (local.get $co1)))
        (local.set $ci (local.get $ci0))
        (block $ci_done
          (loop $ci_next
            (br_if $ci_done (i32.ge_u (local.get $ci) (local.get $ci1)))
            (local.set $kh (i32.const 0))
            (block $kh_done
              (loop $kh_next
                (br_if $kh_done (i32.ge_u (local.get $kh) (i32.const 3)))
                ;; Output rows [ylo, ylo + rows) of the band see input rows inside the image.
                (local.set $ylo (i32.add (local.get $y0) (i32.and (i32.eqz (local.get $y0)) (i32.eqz (local.get $kh)))))
                (local.set $rows
                  (i32.sub
                    (local.get $y1)
                    (i32.and (i32.eq (local.get $y1) (local.get $h)) (i32.eq (local.get $kh) (i32.const 2)))))
                (local.set $rows (i32.sub (local.get $rows) (local.get $ylo)))
                (local.set $kw (i32.const 0))
                (block $kw_done
                  (loop $kw_next
                    (br_if $kw_done (i32.ge_u (local.get $kw) (i32.const 3)))
                    ;; Likewise output columns [kw = 0, w − (kw = 2)), the same for every row.
                    (local.set $len (i32.sub (local.get $w) (i32.ne (local.get $kw) (i32.const 1))))
                    (if (i32.and (i32.gt_s (local.get $rows) (i32.const 0)) (i32.gt_s (local.get $len) (i32.const 0)))
                      (then
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (local.set $c0_0 (v128.load32_splat (local.get $pc)))
                        (local.set $c0_0
                          (f32x4.replace_lane 1
                            (local.get $c0_0)
                            (f32.load (i32.add (local.get $pc) (i32.mul (i32.const 1) (local.get $ds))))))
                        (local.set $c0_0
                          (f32x4.replace_lane 2
                            (local.get $c0_0)
                            (f32.load (i32.add (local.get $pc) (i32.mul (i32.const 2) (local.get $ds))))))
                        (local.set $c0_0
                          (f32x4.replace_lane 3
                            (local.get $c0_0)
                            (f32.load (i32.add (local.get $pc) (i32.mul (i32.const 3) (local.get $ds))))))
                        (local.set $rx
                          (i32.add
                            (i32.add (local.get $x) (i32.shl (local.get $ci) (i32.const 2)))
                            (i32.add
                              (i32.mul
                                (i32.sub (i32.add (local.get $ylo) (local.get $kh)) (i32.const 1))
                                (local.get $xrow))
                              (i32.mul (i32.shr_u (local.get $kw) (i32.const 1)) (local.get $xs)))))
                        (local.set $rd
                          (i32.add
                            (i32.add (local.get $dy) (i32.shl (local.get $co) (i32.const 2)))
                            (i32.add
                              (i32.mul (local.get $ylo) (local.get $drow))
                              (i32.mul (i32.eqz (local.get $kw)) (local.get $ds)))))
                        (local.set $row (local.get $rows))
                        (loop $rows
                          (local.set $px (local.get $rx))
                          (local.set $pd (local.get $rd))
                          (local.set $end (i32.add (local.get $rd) (i32.mul (local.get $len) (local.get $ds))))
                          (loop $pixels
                            (local.set $c0_0
                              (f32x4.add
                                (local.get $c0_0)
                                (f32x4.mul (v128.load (local.get $px)) (v128.load32_splat (local.get $pd)))))
                            (local.set $px (i32.add (local.get $px) (local.get $xs)))
                            (local.set $pd (i32.add (local.get $pd) (local.get $ds)))
                            (br_if $pixels (i32.lt_u (local.get $pd) (local.get $end))))
                          (local.set $rx (i32.add (local.get $rx) (local.get $xrow)))
                          (local.set $rd (i32.add (local.get $rd) (local.get $drow)))
                          (local.set $row (i32.sub (local.get $row) (i32.const 1)))
                          (br_if $rows (local.get $row)))
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (f32.store (local.get $pc) (f32x4.extract_lane 0 (local.get $c0_0)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (f32.store (local.get $pc) (f32x4.extract_lane 1 (local.get $c0_0)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (f32.store (local.get $pc) (f32x4.extract_lane 2 (local.get $c0_0)))
                        (local.set $pc (i32.add (local.get $pc) (local.get $ds)))
                        (f32.store (local.get $pc) (f32x4.extract_lane 3 (local.get $c0_0)))
                      ))
                    (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                    (br $kw_next)))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $kh_next)))
            (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
            (br $ci_next)))
        (local.set $co (i32.add (local.get $co) (i32.const 1)))
        (br $co_next))))
  (func $conv_1x16
    (param $x i32) (param $dy i32) (param $dw i32) (param $h i32) (param $w i32) (param $xs i32) (param $ds i32)
    (param $y0 i32) (param $y1 i32) (param $ci0 i32) (param $ci1 i32) (param $co0 i32) (param $co1 i32)
    (local $ci i32) (local $co i32) (local $kh i32) (local $kw i32) (local $ylo i32) (local $rows i32) (local $row i32)
    (local $len i32) (local $tap i32) (local $xrow i32) (local $drow i32)
    (local $px i32) (local $pd i32) (local $rx i32) (local $rd i32) (local $pc i32) (local $end i32)
    (local $s v128) (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $c0_0 v128) (local $c0_1 v128) (local $c0_2 v128) (local $c0_3 v128)
    (local.set $xrow (i32.mul (local.get $w) (local.get $xs)))
    (local.set $drow (i32.mul (local.get $w) (local.get $ds)))
    (local.set $tap (i32.mul (i32.shr_u (local.get $xs) (i32.const 2)) (local.get $ds)))
    (local.set $co (local.get $co0))
    (block $co_done
      (loop $co_next
        (br_if $co_done (i32.ge_u (local.get $co) (local.get $co1)))
        (local.set $ci (local.get $ci0))
        (block $ci_done
          (loop $ci_next
            (br_if $ci_done (i32.ge_u (local.get $ci) (local.get $ci1)))
            (local.set $kh (i32.const 0))
            (block $kh_done
              (loop $kh_next
                (br_if $kh_done (i32.ge_u (local.get $kh) (i32.const 3)))
                ;; Output rows [ylo, ylo + rows) of the band see input rows inside the image.
                (local.set $ylo (i32.add (local.get $y0) (i32.and (i32.eqz (local.get $y0)) (i32.eqz (local.get $kh)))))
                (local.set $rows
                  (i32.sub
                    (local.get $y1)
                    (i32.and (i32.eq (local.get $y1) (local.get $h)) (i32.eq (local.get $kh) (i32.const 2)))))
                (local.set $rows (i32.sub (local.get $rows) (local.get $ylo)))
                (local.set $kw (i32.const 0))
                (block $kw_done
                  (loop $kw_next
                    (br_if $kw_done (i32.ge_u (local.get $kw) (i32.const 3)))
                    ;; Likewise output columns [kw = 0, w − (kw = 2)), the same for every row.
                    (local.set $len (i32.sub (local.get $w) (i32.ne (local.get $kw) (i32.const 1))))
                    (if (i32.and (i32.gt_s (local.get $rows) (i32.const 0)) (i32.gt_s (local.get $len) (i32.const 0)))
                      (then
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (local.set $c0_0 (v128.load (local.get $pc)))
                        (local.set $c0_1 (v128.load offset=16 (local.get $pc)))
                        (local.set $c0_2 (v128.load offset=32 (local.get $pc)))
                        (local.set $c0_3 (v128.load offset=48 (local.get $pc)))
                        (local.set $rx
                          (i32.add
                            (i32.add (local.get $x) (i32.shl (local.get $ci) (i32.const 2)))
                            (i32.add
                              (i32.mul
                                (i32.sub (i32.add (local.get $ylo) (local.get $kh)) (i32.const 1))
                                (local.get $xrow))
                              (i32.mul (i32.shr_u (local.get $kw) (i32.const 1)) (local.get $xs)))))
                        (local.set $rd
                          (i32.add
                            (i32.add (local.get $dy) (i32.shl (local.get $co) (i32.const 2)))
                            (i32.add
                              (i32.mul (local.get $ylo) (local.get $drow))
                              (i32.mul (i32.eqz (local.get $kw)) (local.get $ds)))))
                        (local.set $row (local.get $rows))
                        (loop $rows
                          (local.set $px (local.get $rx))
                          (local.set $pd (local.get $rd))
                          (local.set $end (i32.add (local.get $rd) (i32.mul (local.get $len) (local.get $ds))))
                          (loop $pixels
                            (local.set $b0 (v128.load (local.get $pd)))
                            (local.set $b1 (v128.load offset=16 (local.get $pd)))
                            (local.set $b2 (v128.load offset=32 (local.get $pd)))
                            (local.set $b3 (v128.load offset=48 (local.get $pd)))
                            (local.set $s (v128.load32_splat (local.get $px)))
                            (local.set $c0_0 (f32x4.add (local.get $c0_0) (f32x4.mul (local.get $s) (local.get $b0))))
                            (local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $s) (local.get $b1))))
                            (local.set $c0_2 (f32x4.add (local.get $c0_2) (f32x4.mul (local.get $s) (local.get $b2))))
                            (local.set $c0_3 (f32x4.add (local.get $c0_3) (f32x4.mul (local.get $s) (local.get $b3))))
                            (local.set $px (i32.add (local.get $px) (local.get $xs)))
                            (local.set $pd (i32.add (local.get $pd) (local.get $ds)))
                            (br_if $pixels (i32.lt_u (local.get $pd) (local.get $end))))
                          (local.set $rx (i32.add (local.get $rx) (local.get $xrow)))
                          (local.set $rd (i32.add (local.get $rd) (local.get $drow)))
                          (local.set $row (i32.sub (local.get $row) (i32.const 1)))
                          (br_if $rows (local.get $row)))
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (v128.store (local.get $pc) (local.get $c0_0))
                        (v128.store offset=16 (local.get $pc) (local.get $c0_1))
                        (v128.store offset=32 (local.get $pc) (local.get $c0_2))
                        (v128.store offset=48 (local.get $pc) (local.get $c0_3))
                      ))
                    (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                    (br $kw_next)))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $kh_next)))
            (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
            (br $ci_next)))
        (local.set $co (i32.add (local.get $co) (i32.const 16)))
        (br $co_next))))
  (func $conv_1x4
    (param $x i32) (param $dy i32) (param $dw i32) (param $h i32) (param $w i32) (param $xs i32) (param $ds i32)
    (param $y0 i32) (param $y1 i32) (param $ci0 i32) (param $ci1 i32) (param $co0 i32) (param $co1 i32)
    (local $ci i32) (local $co i32) (local $kh i32) (local $kw i32) (local $ylo i32) (local $rows i32) (local $row i32)
    (local $len i32) (local $tap i32) (local $xrow i32) (local $drow i32)
    (local $px i32) (local $pd i32) (local $rx i32) (local $rd i32) (local $pc i32) (local $end i32)
    (local $b0 v128)
    (local $c0_0 v128)
    (local.set $xrow (i32.mul (local.get $w) (local.get $xs)))
    (local.set $drow (i32.mul (local.get $w) (local.get $ds)))
    (local.set $tap (i32.mul (i32.shr_u (local.get $xs) (i32.const 2)) (local.get $ds)))
    (local.set $co (local.get $co0))
    (block $co_done
      (loop $co_next
        (br_if $co_done (i32.ge_u (local.get $co) (local.get $co1)))
        (local.set $ci (local.get $ci0))
        (block $ci_done
          (loop $ci_next
            (br_if $ci_done (i32.ge_u (local.get $ci) (local.get $ci1)))
            (local.set $kh (i32.const 0))
            (block $kh_done
              (loop $kh_next
                (br_if $kh_done (i32.ge_u (local.get $kh) (i32.const 3)))
                ;; Output rows [ylo, ylo + rows) of the band see input rows inside the image.
                (local.set $ylo (i32.add (local.get $y0) (i32.and (i32.eqz (local.get $y0)) (i32.eqz (local.get $kh)))))
                (local.set $rows
                  (i32.sub
                    (local.get $y1)
                    (i32.and (i32.eq (local.get $y1) (local.get $h)) (i32.eq (local.get $kh) (i32.const 2)))))
                (local.set $rows (i32.sub (local.get $rows) (local.get $ylo)))
                (local.set $kw (i32.const 0))
                (block $kw_done
                  (loop $kw_next
                    (br_if $kw_done (i32.ge_u (local.get $kw) (i32.const 3)))
                    ;; Likewise output columns [kw = 0, w − (kw = 2)), the same for every row.
                    (local.set $len (i32.sub (local.get $w) (i32.ne (local.get $kw) (i32.const 1))))
                    (if (i32.and (i32.gt_s (local.get $rows) (i32.const 0)) (i32.gt_s (local.get $len) (i32.const 0)))
                      (then
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (local.set $c0_0 (v128.load (local.get $pc)))
                        (local.set $rx
                          (i32.add
                            (i32.add (local.get $x) (i32.shl (local.get $ci) (i32.const 2)))
                            (i32.add
                              (i32.mul
                                (i32.sub (i32.add (local.get $ylo) (local.get $kh)) (i32.const 1))
                                (local.get $xrow))
                              (i32.mul (i32.shr_u (local.get $kw) (i32.const 1)) (local.get $xs)))))
                        (local.set $rd
                          (i32.add
                            (i32.add (local.get $dy) (i32.shl (local.get $co) (i32.const 2)))
                            (i32.add
                              (i32.mul (local.get $ylo) (local.get $drow))
                              (i32.mul (i32.eqz (local.get $kw)) (local.get $ds)))))
                        (local.set $row (local.get $rows))
                        (loop $rows
                          (local.set $px (local.get $rx))
                          (local.set $pd (local.get $rd))
                          (local.set $end (i32.add (local.get $rd) (i32.mul (local.get $len) (local.get $ds))))
                          (loop $pixels
                            (local.set $b0 (v128.load (local.get $pd)))
                            (local.set $c0_0
                              (f32x4.add
                                (local.get $c0_0)
                                (f32x4.mul (v128.load32_splat (local.get $px)) (local.get $b0))))
                            (local.set $px (i32.add (local.get $px) (local.get $xs)))
                            (local.set $pd (i32.add (local.get $pd) (local.get $ds)))
                            (br_if $pixels (i32.lt_u (local.get $pd) (local.get $end))))
                          (local.set $rx (i32.add (local.get $rx) (local.get $xrow)))
                          (local.set $rd (i32.add (local.get $rd) (local.get $drow)))
                          (local.set $row (i32.sub (local.get $row) (i32.const 1)))
                          (br_if $rows (local.get $row)))
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (v128.store (local.get $pc) (local.get $c0_0))
                      ))
                    (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                    (br $kw_next)))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $kh_next)))
            (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
            (br $ci_next)))
        (local.set $co (i32.add (local.get $co) (i32.const 4)))
        (br $co_next))))
  (func $conv_1x1
    (param $x i32) (param $dy i32) (param $dw i32) (param $h i32) (param $w i32) (param $xs i32) (param $ds i32)
    (param $y0 i32) (param $y1 i32) (param $ci0 i32) (param $ci1 i32) (param $co0 i32) (param $co1 i32)
    (local $ci i32) (local $co i32) (local $kh i32) (local $kw i32) (local $ylo i32) (local $rows i32) (local $row i32)
    (local $len i32) (local $tap i32) (local $xrow i32) (local $drow i32)
    (local $px i32) (local $pd i32) (local $rx i32) (local $rd i32) (local $pc i32) (local $end i32)
    (local $sum f32)
    (local.set $xrow (i32.mul (local.get $w) (local.get $xs)))
    (local.set $drow (i32.mul (local.get $w) (local.get $ds)))
    (local.set $tap (i32.mul (i32.shr_u (local.get $xs) (i32.const 2)) (local.get $ds)))
    (local.set $co (local.get $co0))
    (block $co_done
      (loop $co_next
        (br_if $co_done (i32.ge_u (local.get $co) (local.get $co1)))
        (local.set $ci (local.get $ci0))
        (block $ci_done
          (loop $ci_next
            (br_if $ci_done (i32.ge_u (local.get $ci) (local.get $ci1)))
            (local.set $kh (i32.const 0))
            (block $kh_done
              (loop $kh_next
                (br_if $kh_done (i32.ge_u (local.get $kh) (i32.const 3)))
                ;; Output rows [ylo, ylo + rows) of the band see input rows inside the image.
                (local.set $ylo (i32.add (local.get $y0) (i32.and (i32.eqz (local.get $y0)) (i32.eqz (local.get $kh)))))
                (local.set $rows
                  (i32.sub
                    (local.get $y1)
                    (i32.and (i32.eq (local.get $y1) (local.get $h)) (i32.eq (local.get $kh) (i32.const 2)))))
                (local.set $rows (i32.sub (local.get $rows) (local.get $ylo)))
                (local.set $kw (i32.const 0))
                (block $kw_done
                  (loop $kw_next
                    (br_if $kw_done (i32.ge_u (local.get $kw) (i32.const 3)))
                    ;; Likewise output columns [kw = 0, w − (kw = 2)), the same for every row.
                    (local.set $len (i32.sub (local.get $w) (i32.ne (local.get $kw) (i32.const 1))))
                    (if (i32.and (i32.gt_s (local.get $rows) (i32.const 0)) (i32.gt_s (local.get $len) (i32.const 0)))
                      (then
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (local.set $sum (f32.load (local.get $pc)))
                        (local.set $rx
                          (i32.add
                            (i32.add (local.get $x) (i32.shl (local.get $ci) (i32.const 2)))
                            (i32.add
                              (i32.mul
                                (i32.sub (i32.add (local.get $ylo) (local.get $kh)) (i32.const 1))
                                (local.get $xrow))
                              (i32.mul (i32.shr_u (local.get $kw) (i32.const 1)) (local.get $xs)))))
                        (local.set $rd
                          (i32.add
                            (i32.add (local.get $dy) (i32.shl (local.get $co) (i32.const 2)))
                            (i32.add
                              (i32.mul (local.get $ylo) (local.get $drow))
                              (i32.mul (i32.eqz (local.get $kw)) (local.get $ds)))))
                        (local.set $row (local.get $rows))
                        (loop $rows
                          (local.set $px (local.get $rx))
                          (local.set $pd (local.get $rd))
                          (local.set $end (i32.add (local.get $rd) (i32.mul (local.get $len) (local.get $ds))))
                          (loop $pixels
                            (local.set $sum
                              (f32.add
                                (local.get $sum)
                                (f32.mul (f32.load (local.get $px)) (f32.load (local.get $pd)))))
                            (local.set $px (i32.add (local.get $px) (local.get $xs)))
                            (local.set $pd (i32.add (local.get $pd) (local.get $ds)))
                            (br_if $pixels (i32.lt_u (local.get $pd) (local.get $end))))
                          (local.set $rx (i32.add (local.get $rx) (local.get $xrow)))
                          (local.set $rd (i32.add (local.get $rd) (local.get $drow)))
                          (local.set $row (i32.sub (local.get $row) (i32.const 1)))
                          (br_if $rows (local.get $row)))
                        (local.set $pc
                          (i32.add
                            (i32.add
                              (local.get $dw)
                              (i32.mul
                                (i32.add (i32.mul (local.get $kh) (i32.const 3)) (local.get $kw))
                                (local.get $tap)))
                            (i32.add
                              (i32.mul (local.get $ci) (local.get $ds))
                              (i32.shl (local.get $co) (i32.const 2)))))
                        (f32.store (local.get $pc) (local.get $sum))
                      ))
                    (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                    (br $kw_next)))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $kh_next)))
            (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
            (br $ci_next)))
        (local.set $co (i32.add (local.get $co) (i32.const 1)))
        (br $co_next))))
  ;; dw [3, 3, cin, cout] = the filter gradient of a 3×3, stride 1, pad 1 NHWC convolution of
  ;; x [batch, h, w, cin] with output gradient dy [batch, h, w, cout]; dw is overwritten.
  ;; Images go one at a time and in bands of about 256 output pixels, so that the dy slice a
  ;; channel block walks nine times (once per tap) stays in L1 even for 28×28 images.
  (func (export "conv3x3_filter_grad")
    (param $x i32) (param $dy i32) (param $dw i32) (param $batch i32) (param $h i32) (param $w i32) (param $cin i32)
    (param $cout i32)
    (local $xs i32) (local $ds i32) (local $ci4 i32) (local $co8 i32) (local $co4 i32) (local $co16 i32)
    (local $zero i32) (local $b i32) (local $xb i32) (local $db i32) (local $y0 i32) (local $y1 i32) (local $band i32)
    (local $pixels i32)
    (local.set $xs (i32.shl (local.get $cin) (i32.const 2)))
    (local.set $ds (i32.shl (local.get $cout) (i32.const 2)))
    (memory.fill (local.get $dw) (i32.const 0) (i32.mul (i32.const 9) (i32.mul (local.get $cin) (local.get $ds))))
    (local.set $ci4 (i32.and (local.get $cin) (i32.const -4)))
    (local.set $co8 (i32.and (local.get $cout) (i32.const -8)))
    (local.set $co4 (i32.and (local.get $cout) (i32.const -4)))
    (local.set $co16 (i32.and (local.get $cout) (i32.const -16)))
    (local.set $pixels (i32.mul (local.get $h) (local.get $w)))
    (local.set $band
      (i32.add (i32.div_u (i32.const 256) (select (local.get $w) (i32.const 1) (local.get $w))) (i32.const 1)))
    (local.set $b (i32.const 0))
    (block $b_done
      (loop $b_next
        (br_if $b_done (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $xb (i32.add (local.get $x) (i32.mul (i32.mul (local.get $b) (local.get $pixels)) (local.get $xs))))
        (local.set $db (i32.add (local.get $dy) (i32.mul (i32.mul (local.get $b) (local.get $pixels)) (local.get $ds))))
        (local.set $y0 (i32.const 0))
        (block $y0_done
          (loop $y0_next
            (br_if $y0_done (i32.ge_u (local.get $y0) (local.get $h)))
            (local.set $y1 (i32.add (local.get $y0) (local.get $band)))
            (local.set $y1 (select (local.get $h) (local.get $y1) (i32.gt_u (local.get $y1) (local.get $h))))
            (call $conv_4x8
              (local.get $xb)
              (local.get $db)
              (local.get $dw)
              (local.get $h)
              (local.get $w)
              (local.get $xs)
              (local.get $ds)
              (local.get $y0)
              (local.get $y1)
              (local.get $zero)
              (local.get $ci4)
              (local.get $zero)
              (local.get $co8))
            (call $conv_4x4
              (local.get $xb)
              (local.get $db)
              (local.get $dw)
              (local.get $h)
              (local.get $w)
              (local.get $xs)
              (local.get $ds)
              (local.get $y0)
              (local.get $y1)
              (local.get $zero)
              (local.get $ci4)
              (local.get $co8)
              (local.get $co4))
            (call $conv_4x1
              (local.get $xb)
              (local.get $db)
              (local.get $dw)
              (local.get $h)
              (local.get $w)
              (local.get $xs)
              (local.get $ds)
              (local.get $y0)
              (local.get $y1)
              (local.get $zero)
              (local.get $ci4)
              (local.get $co4)
              (local.get $cout))
            (call $conv_1x16
              (local.get $xb)
              (local.get $db)
              (local.get $dw)
              (local.get $h)
              (local.get $w)
              (local.get $xs)
              (local.get $ds)
              (local.get $y0)
              (local.get $y1)
              (local.get $ci4)
              (local.get $cin)
              (local.get $zero)
              (local.get $co16))
            (call $conv_1x4
              (local.get $xb)
              (local.get $db)
              (local.get $dw)
              (local.get $h)
              (local.get $w)
              (local.get $xs)
              (local.get $ds)
              (local.get $y0)
              (local.get $y1)
              (local.get $ci4)
              (local.get $cin)
              (local.get $co16)
              (local.get $co4))
            (call $conv_1x1
              (local.get $xb)
              (local.get $db)
              (local.get $dw)
              (local.get $h)
              (local.get $w)
              (local.get $xs)
              (local.get $ds)
              (local.get $y0)
              (local.get $y1)
              (local.get $ci4)
              (local.get $cin)
              (local.get $co4)
              (local.get $cout))
            (local.set $y0 (i32.add (local.get $y0) (local.get $band)))
            (br $y0_next)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $b_next))))
)
