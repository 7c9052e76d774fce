;; Pooling and activation kernels for the CNN's conv → bias → ReLU → max-pool blocks, NHWC.
;; Every pointer is a byte offset into the imported memory. Channels are the innermost axis, so
;; the SIMD lanes run over four neighbouring channels and a scalar loop finishes the last
;; channels % 4; no pointer needs 16-byte alignment, as wasm's v128 loads and stores allow any.
(module
  (import "env" "memory" (memory 1))

  ;; Sets n floats at p to zero: the bias gradients below accumulate into their output.
  (func $zero (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (f32.store (local.get $p) (f32.const 0))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next))))

  ;; y = 2×2 max, stride 2; argmax (u8) = the winner's window position, 0 (0,0), 1 (0,1),
  ;; 2 (1,0), 3 (1,1). Scanning in that order with a strict > gives ties to the lowest number,
  ;; as the backward pass of tfjs's MaxPool does. Sixteen channels go at a time, so that their
  ;; argmax bytes fill one v128 store, then four, then one for channel counts that are not multiples.
  (func (export "max_pool_2x2")
    (param $x i32) (param $y i32) (param $argmax i32)
    (param $batch i32) (param $height i32) (param $width i32) (param $channels i32)
    (local $cs i32) (local $rs i32) (local $rcs i32)
    (local $rows i32) (local $cols i32) (local $row i32) (local $col i32)
    (local $end16 i32) (local $end4 i32) (local $end i32)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local $i0 v128) (local $i1 v128) (local $i2 v128) (local $i3 v128)
    (local $v v128)
    (local $ms f32) (local $vs f32) (local $is i32)
    ;; Byte strides from a window's top-left element to its (0,1), (1,0) and (1,1) elements.
    (local.set $cs (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rs (i32.mul (local.get $width) (local.get $cs)))
    (local.set $rcs (i32.add (local.get $rs) (local.get $cs)))
    ;; Pooled rows of consecutive images follow each other, so batch and height fold into one loop.
    (local.set $rows (i32.mul (local.get $batch) (i32.shr_u (local.get $height) (i32.const 1))))
    (local.set $cols (i32.shr_u (local.get $width) (i32.const 1)))
    (block $rows_done
      (loop $row_next
        (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $col (i32.const 0))
        (block $cols_done
          (loop $col_next
            (br_if $cols_done (i32.ge_u (local.get $col) (local.get $cols)))
            (local.set $end (i32.add (local.get $x) (local.get $cs)))
            (local.set $end4 (i32.sub (local.get $end) (i32.and (local.get $cs) (i32.const 12))))
            (local.set $end16 (i32.sub (local.get $end4) (i32.and (local.get $cs) (i32.const 48))))
            (block $c16_done
              (loop $c16_next
                (br_if $c16_done (i32.ge_u (local.get $x) (local.get $end16)))
                ;; Four independent lane groups per step keep the compare → max chains overlapped.
                ;; pmax(m, v) is m < v ? v : m, so an equal later value keeps the earlier winner.
                (local.set $m0 (v128.load (local.get $x)))
                (local.set $m1 (v128.load offset=16 (local.get $x)))
                (local.set $m2 (v128.load offset=32 (local.get $x)))
                (local.set $m3 (v128.load offset=48 (local.get $x)))

                (local.set $v (v128.load (i32.add (local.get $x) (local.get $cs))))
                (local.set $i0 (v128.and (f32x4.lt (local.get $m0) (local.get $v)) (v128.const i32x4 1 1 1 1)))
                (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $v)))
                (local.set $v (v128.load offset=16 (i32.add (local.get $x) (local.get $cs))))
                (local.set $i1 (v128.and (f32x4.lt (local.get $m1) (local.get $v)) (v128.const i32x4 1 1 1 1)))
                (local.set $m1 (f32x4.pmax (local.get $m1) (local.get $v)))
                (local.set $v (v128.load offset=32 (i32.add (local.get $x) (local.get $cs))))
                (local.set $i2 (v128.and (f32x4.lt (local.get $m2) (local.get $v)) (v128.const i32x4 1 1 1 1)))
                (local.set $m2 (f32x4.pmax (local.get $m2) (local.get $v)))
                (local.set $v (v128.load offset=48 (i32.add (local.get $x) (local.get $cs))))
                (local.set $i3 (v128.and (f32x4.lt (local.get $m3) (local.get $v)) (v128.const i32x4 1 1 1 1)))
                (local.set $m3 (f32x4.pmax (local.get $m3) (local.get $v)))

                ;; Later positions carry larger numbers, so max_u of (mask & k) overwrites earlier winners.
                (local.set $v (v128.load (i32.add (local.get $x) (local.get $rs))))
                (local.set $i0 (i32x4.max_u (local.get $i0)
                  (v128.and (f32x4.lt (local.get $m0) (local.get $v)) (v128.const i32x4 2 2 2 2))))
                (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $v)))
                (local.set $v (v128.load offset=16 (i32.add (local.get $x) (local.get $rs))))
                (local.set $i1 (i32x4.max_u (local.get $i1)
                  (v128.and (f32x4.lt (local.get $m1) (local.get $v)) (v128.const i32x4 2 2 2 2))))
                (local.set $m1 (f32x4.pmax (local.get $m1) (local.get $v)))
                (local.set $v (v128.load offset=32 (i32.add (local.get $x) (local.get $rs))))
                (local.set $i2 (i32x4.max_u (local.get $i2)
                  (v128.and (f32x4.lt (local.get $m2) (local.get $v)) (v128.const i32x4 2 2 2 2))))
                (local.set $m2 (f32x4.pmax (local.get $m2) (local.get $v)))
                (local.set $v (v128.load offset=48 (i32.add (local.get $x) (local.get $rs))))
                (local.set $i3 (i32x4.max_u (local.get $i3)
                  (v128.and (f32x4.lt (local.get $m3) (local.get $v)) (v128.const i32x4 2 2 2 2))))
                (local.set $m3 (f32x4.pmax (local.get $m3) (local.get $v)))

                (local.set $v (v128.load (i32.add (local.get $x) (local.get $rcs))))
                (local.set $i0 (i32x4.max_u (local.get $i0)
                  (v128.and (f32x4.lt (local.get $m0) (local.get $v)) (v128.const i32x4 3 3 3 3))))
                (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $v)))
                (local.set $v (v128.load offset=16 (i32.add (local.get $x) (local.get $rcs))))
                (local.set $i1 (i32x4.max_u (local.get $i1)
                  (v128.and (f32x4.lt (local.get $m1) (local.get $v)) (v128.const i32x4 3 3 3 3))))
                (local.set $m1 (f32x4.pmax (local.get $m1) (local.get $v)))
                (local.set $v (v128.load offset=32 (i32.add (local.get $x) (local.get $rcs))))
                (local.set $i2 (i32x4.max_u (local.get $i2)
                  (v128.and (f32x4.lt (local.get $m2) (local.get $v)) (v128.const i32x4 3 3 3 3))))
                (local.set $m2 (f32x4.pmax (local.get $m2) (local.get $v)))
                (local.set $v (v128.load offset=48 (i32.add (local.get $x) (local.get $rcs))))
                (local.set $i3 (i32x4.max_u (local.get $i3)
                  (v128.and (f32x4.lt (local.get $m3) (local.get $v)) (v128.const i32x4 3 3 3 3))))
                (local.set $m3 (f32x4.pmax (local.get $m3) (local.get $v)))

                (v128.store (local.get $y) (local.get $m0))
                (v128.store offset=16 (local.get $y) (local.get $m1))
                (v128.store offset=32 (local.get $y) (local.get $m2))
                (v128.store offset=48 (local.get $y) (local.get $m3))
                (v128.store (local.get $argmax)
                  (i8x16.narrow_i16x8_u
                    (i16x8.narrow_i32x4_u (local.get $i0) (local.get $i1))
                    (i16x8.narrow_i32x4_u (local.get $i2) (local.get $i3))))
                (local.set $x (i32.add (local.get $x) (i32.const 64)))
                (local.set $y (i32.add (local.get $y) (i32.const 64)))
                (local.set $argmax (i32.add (local.get $argmax) (i32.const 16)))
                (br $c16_next)))
            (block $c4_done
              (loop $c4_next
                (br_if $c4_done (i32.ge_u (local.get $x) (local.get $end4)))
                (local.set $m0 (v128.load (local.get $x)))
                (local.set $v (v128.load (i32.add (local.get $x) (local.get $cs))))
                (local.set $i0 (v128.and (f32x4.lt (local.get $m0) (local.get $v)) (v128.const i32x4 1 1 1 1)))
                (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $v)))
                (local.set $v (v128.load (i32.add (local.get $x) (local.get $rs))))
                (local.set $i0 (i32x4.max_u (local.get $i0)
                  (v128.and (f32x4.lt (local.get $m0) (local.get $v)) (v128.const i32x4 2 2 2 2))))
                (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $v)))
                (local.set $v (v128.load (i32.add (local.get $x) (local.get $rcs))))
                (local.set $i0 (i32x4.max_u (local.get $i0)
                  (v128.and (f32x4.lt (local.get $m0) (local.get $v)) (v128.const i32x4 3 3 3 3))))
                (local.set $m0 (f32x4.pmax (local.get $m0) (local.get $v)))
                (v128.store (local.get $y) (local.get $m0))
                (local.set $v (i16x8.narrow_i32x4_u (local.get $i0) (local.get $i0)))
                (v128.store32_lane 0 (local.get $argmax) (i8x16.narrow_i16x8_u (local.get $v) (local.get $v)))
                (local.set $x (i32.add (local.get $x) (i32.const 16)))
                (local.set $y (i32.add (local.get $y) (i32.const 16)))
                (local.set $argmax (i32.add (local.get $argmax) (i32.const 4)))
                (br $c4_next)))
            (block $c1_done
              (loop $c1_next
                (br_if $c1_done (i32.ge_u (local.get $x) (local.get $end)))
                (local.set $ms (f32.load (local.get $x)))
                (local.set $is (i32.const 0))
                (local.set $vs (f32.load (i32.add (local.get $x) (local.get $cs))))
                (local.set $is (select (i32.const 1) (local.get $is) (f32.gt (local.get $vs) (local.get $ms))))
                (local.set $ms (select (local.get $vs) (local.get $ms) (f32.gt (local.get $vs) (local.get $ms))))
                (local.set $vs (f32.load (i32.add (local.get $x) (local.get $rs))))
                (local.set $is (select (i32.const 2) (local.get $is) (f32.gt (local.get $vs) (local.get $ms))))
                (local.set $ms (select (local.get $vs) (local.get $ms) (f32.gt (local.get $vs) (local.get $ms))))
                (local.set $vs (f32.load (i32.add (local.get $x) (local.get $rcs))))
                (local.set $is (select (i32.const 3) (local.get $is) (f32.gt (local.get $vs) (local.get $ms))))
                (local.set $ms (select (local.get $vs) (local.get $ms) (f32.gt (local.get $vs) (local.get $ms))))
                (f32.store (local.get $y) (local.get $ms))
                (i32.store8 (local.get $argmax) (local.get $is))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (local.set $y (i32.add (local.get $y) (i32.const 4)))
                (local.set $argmax (i32.add (local.get $argmax) (i32.const 1)))
                (br $c1_next)))
            ;; x now points at the window's (0,1) element: skip it to reach the next window.
            (local.set $x (i32.add (local.get $x) (local.get $cs)))
            (local.set $col (i32.add (local.get $col) (i32.const 1)))
            (br $col_next)))
        ;; A finished pooled row has walked one input row; the second row of its windows follows.
        (local.set $x (i32.add (local.get $x) (local.get $rs)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $row_next))))

  ;; Backward of conv → bias → ReLU → max_pool_2x2. Only a window's winner gets dy, and only
  ;; where the ReLU passed it (act > 0); the other three positions get +0. A window adds to the
  ;; bias gradient exactly the one value it routed, so OR-ing its four dx vectors (three are all
  ;; zero bits) yields that value without an add. dbias accumulates in memory window by window, so
  ;; any channel count works without registers per channel.
  (func (export "max_pool_2x2_grad_relu")
    (param $dy i32) (param $argmax i32) (param $act i32) (param $dx i32) (param $dbias i32)
    (param $batch i32) (param $height i32) (param $width i32) (param $channels i32)
    (local $cs i32) (local $rs i32) (local $rcs i32) (local $out i32)
    (local $rows i32) (local $cols i32) (local $row i32) (local $col i32)
    (local $end16 i32) (local $end4 i32) (local $end i32) (local $b i32) (local $o i32)
    (local $g v128) (local $k v128) (local $k16 v128) (local $sum v128)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local $gs f32) (local $ks i32) (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (call $zero (local.get $dbias) (local.get $channels))
    (local.set $cs (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rs (i32.mul (local.get $width) (local.get $cs)))
    (local.set $rcs (i32.add (local.get $rs) (local.get $cs)))
    ;; act and dx share a layout, so one pointer walks act and dx sits a fixed distance away.
    (local.set $out (i32.sub (local.get $dx) (local.get $act)))
    (local.set $rows (i32.mul (local.get $batch) (i32.shr_u (local.get $height) (i32.const 1))))
    (local.set $cols (i32.shr_u (local.get $width) (i32.const 1)))
    (block $rows_done
      (loop $row_next
        (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $col (i32.const 0))
        (block $cols_done
          (loop $col_next
            (br_if $cols_done (i32.ge_u (local.get $col) (local.get $cols)))
            (local.set $b (local.get $dbias))
            (local.set $end (i32.add (local.get $act) (local.get $cs)))
            (local.set $end4 (i32.sub (local.get $end) (i32.and (local.get $cs) (i32.const 12))))
            (local.set $end16 (i32.sub (local.get $end4) (i32.and (local.get $cs) (i32.const 48))))
            (block $c16_done
              (loop $c16_next
                (br_if $c16_done (i32.ge_u (local.get $act) (local.get $end16)))
                (local.set $k16 (v128.load (local.get $argmax)))
                (local.set $o (i32.add (local.get $act) (local.get $out)))

                (local.set $g (v128.load (local.get $dy)))
                (local.set $k (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (local.get $k16))))
                (local.set $d0 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 0 0 0 0))
                  (f32x4.gt (v128.load (local.get $act)) (v128.const f32x4 0 0 0 0)))))
                (local.set $d1 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 1 1 1 1))
                  (f32x4.gt (v128.load (i32.add (local.get $act) (local.get $cs))) (v128.const f32x4 0 0 0 0)))))
                (local.set $d2 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 2 2 2 2))
                  (f32x4.gt (v128.load (i32.add (local.get $act) (local.get $rs))) (v128.const f32x4 0 0 0 0)))))
                (local.set $d3 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 3 3 3 3))
                  (f32x4.gt (v128.load (i32.add (local.get $act) (local.get $rcs))) (v128.const f32x4 0 0 0 0)))))
                (v128.store (local.get $o) (local.get $d0))
                (v128.store (i32.add (local.get $o) (local.get $cs)) (local.get $d1))
                (v128.store (i32.add (local.get $o) (local.get $rs)) (local.get $d2))
                (v128.store (i32.add (local.get $o) (local.get $rcs)) (local.get $d3))
                (v128.store (local.get $b) (f32x4.add (v128.load (local.get $b))
                  (v128.or (v128.or (local.get $d0) (local.get $d1)) (v128.or (local.get $d2) (local.get $d3)))))

                (local.set $g (v128.load offset=16 (local.get $dy)))
                (local.set $k (i32x4.extend_high_i16x8_u (i16x8.extend_low_i8x16_u (local.get $k16))))
                (local.set $d0 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 0 0 0 0))
                  (f32x4.gt (v128.load offset=16 (local.get $act)) (v128.const f32x4 0 0 0 0)))))
                (local.set $d1 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 1 1 1 1))
                  (f32x4.gt (v128.load offset=16 (i32.add (local.get $act) (local.get $cs)))
                    (v128.const f32x4 0 0 0 0)))))
                (local.set $d2 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 2 2 2 2))
                  (f32x4.gt (v128.load offset=16 (i32.add (local.get $act) (local.get $rs)))
                    (v128.const f32x4 0 0 0 0)))))
                (local.set $d3 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 3 3 3 3))
                  (f32x4.gt (v128.load offset=16 (i32.add (local.get $act) (local.get $rcs)))
                    (v128.const f32x4 0 0 0 0)))))
                (v128.store offset=16 (local.get $o) (local.get $d0))
                (v128.store offset=16 (i32.add (local.get $o) (local.get $cs)) (local.get $d1))
                (v128.store offset=16 (i32.add (local.get $o) (local.get $rs)) (local.get $d2))
                (v128.store offset=16 (i32.add (local.get $o) (local.get $rcs)) (local.get $d3))
                (v128.store offset=16 (local.get $b) (f32x4.add (v128.load offset=16 (local.get $b))
                  (v128.or (v128.or (local.get $d0) (local.get $d1)) (v128.or (local.get $d2) (local.get $d3)))))

                (local.set $g (v128.load offset=32 (local.get $dy)))
                (local.set $k (i32x4.extend_low_i16x8_u (i16x8.extend_high_i8x16_u (local.get $k16))))
                (local.set $d0 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 0 0 0 0))
                  (f32x4.gt (v128.load offset=32 (local.get $act)) (v128.const f32x4 0 0 0 0)))))
                (local.set $d1 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 1 1 1 1))
                  (f32x4.gt (v128.load offset=32 (i32.add (local.get $act) (local.get $cs)))
                    (v128.const f32x4 0 0 0 0)))))
                (local.set $d2 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 2 2 2 2))
                  (f32x4.gt (v128.load offset=32 (i32.add (local.get $act) (local.get $rs)))
                    (v128.const f32x4 0 0 0 0)))))
                (local.set $d3 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 3 3 3 3))
                  (f32x4.gt (v128.load offset=32 (i32.add (local.get $act) (local.get $rcs)))
                    (v128.const f32x4 0 0 0 0)))))
                (v128.store offset=32 (local.get $o) (local.get $d0))
                (v128.store offset=32 (i32.add (local.get $o) (local.get $cs)) (local.get $d1))
                (v128.store offset=32 (i32.add (local.get $o) (local.get $rs)) (local.get $d2))
                (v128.store offset=32 (i32.add (local.get $o) (local.get $rcs)) (local.get $d3))
                (v128.store offset=32 (local.get $b) (f32x4.add (v128.load offset=32 (local.get $b))
                  (v128.or (v128.or (local.get $d0) (local.get $d1)) (v128.or (local.get $d2) (local.get $d3)))))

                (local.set $g (v128.load offset=48 (local.get $dy)))
                (local.set $k (i32x4.extend_high_i16x8_u (i16x8.extend_high_i8x16_u (local.get $k16))))
                (local.set $d0 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 0 0 0 0))
                  (f32x4.gt (v128.load offset=48 (local.get $act)) (v128.const f32x4 0 0 0 0)))))
                (local.set $d1 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 1 1 1 1))
                  (f32x4.gt (v128.load offset=48 (i32.add (local.get $act) (local.get $cs)))
                    (v128.const f32x4 0 0 0 0)))))
                (local.set $d2 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 2 2 2 2))
                  (f32x4.gt (v128.load offset=48 (i32.add (local.get $act) (local.get $rs)))
                    (v128.const f32x4 0 0 0 0)))))
                (local.set $d3 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 3 3 3 3))
                  (f32x4.gt (v128.load offset=48 (i32.add (local.get $act) (local.get $rcs)))
                    (v128.const f32x4 0 0 0 0)))))
                (v128.store offset=48 (local.get $o) (local.get $d0))
                (v128.store offset=48 (i32.add (local.get $o) (local.get $cs)) (local.get $d1))
                (v128.store offset=48 (i32.add (local.get $o) (local.get $rs)) (local.get $d2))
                (v128.store offset=48 (i32.add (local.get $o) (local.get $rcs)) (local.get $d3))
                (v128.store offset=48 (local.get $b) (f32x4.add (v128.load offset=48 (local.get $b))
                  (v128.or (v128.or (local.get $d0) (local.get $d1)) (v128.or (local.get $d2) (local.get $d3)))))

                (local.set $act (i32.add (local.get $act) (i32.const 64)))
                (local.set $dy (i32.add (local.get $dy) (i32.const 64)))
                (local.set $b (i32.add (local.get $b) (i32.const 64)))
                (local.set $argmax (i32.add (local.get $argmax) (i32.const 16)))
                (br $c16_next)))
            (block $c4_done
              (loop $c4_next
                (br_if $c4_done (i32.ge_u (local.get $act) (local.get $end4)))
                (local.set $o (i32.add (local.get $act) (local.get $out)))
                (local.set $g (v128.load (local.get $dy)))
                (local.set $k (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                  (v128.load32_zero (local.get $argmax)))))
                (local.set $d0 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 0 0 0 0))
                  (f32x4.gt (v128.load (local.get $act)) (v128.const f32x4 0 0 0 0)))))
                (local.set $d1 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 1 1 1 1))
                  (f32x4.gt (v128.load (i32.add (local.get $act) (local.get $cs))) (v128.const f32x4 0 0 0 0)))))
                (local.set $d2 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 2 2 2 2))
                  (f32x4.gt (v128.load (i32.add (local.get $act) (local.get $rs))) (v128.const f32x4 0 0 0 0)))))
                (local.set $d3 (v128.and (local.get $g) (v128.and
                  (i32x4.eq (local.get $k) (v128.const i32x4 3 3 3 3))
                  (f32x4.gt (v128.load (i32.add (local.get $act) (local.get $rcs))) (v128.const f32x4 0 0 0 0)))))
                (v128.store (local.get $o) (local.get $d0))
                (v128.store (i32.add (local.get $o) (local.get $cs)) (local.get $d1))
                (v128.store (i32.add (local.get $o) (local.get $rs)) (local.get $d2))
                (v128.store (i32.add (local.get $o) (local.get $rcs)) (local.get $d3))
                (v128.store (local.get $b) (f32x4.add (v128.load (local.get $b))
                  (v128.or (v128.or (local.get $d0) (local.get $d1)) (v128.or (local.get $d2) (local.get $d3)))))
                (local.set $act (i32.add (local.get $act) (i32.const 16)))
                (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (local.set $argmax (i32.add (local.get $argmax) (i32.const 4)))
                (br $c4_next)))
            (block $c1_done
              (loop $c1_next
                (br_if $c1_done (i32.ge_u (local.get $act) (local.get $end)))
                (local.set $o (i32.add (local.get $act) (local.get $out)))
                (local.set $gs (f32.load (local.get $dy)))
                (local.set $ks (i32.load8_u (local.get $argmax)))
                (local.set $s0 (select (local.get $gs) (f32.const 0) (i32.and
                  (i32.eq (local.get $ks) (i32.const 0))
                  (f32.gt (f32.load (local.get $act)) (f32.const 0)))))
                (local.set $s1 (select (local.get $gs) (f32.const 0) (i32.and
                  (i32.eq (local.get $ks) (i32.const 1))
                  (f32.gt (f32.load (i32.add (local.get $act) (local.get $cs))) (f32.const 0)))))
                (local.set $s2 (select (local.get $gs) (f32.const 0) (i32.and
                  (i32.eq (local.get $ks) (i32.const 2))
                  (f32.gt (f32.load (i32.add (local.get $act) (local.get $rs))) (f32.const 0)))))
                (local.set $s3 (select (local.get $gs) (f32.const 0) (i32.and
                  (i32.eq (local.get $ks) (i32.const 3))
                  (f32.gt (f32.load (i32.add (local.get $act) (local.get $rcs))) (f32.const 0)))))
                (f32.store (local.get $o) (local.get $s0))
                (f32.store (i32.add (local.get $o) (local.get $cs)) (local.get $s1))
                (f32.store (i32.add (local.get $o) (local.get $rs)) (local.get $s2))
                (f32.store (i32.add (local.get $o) (local.get $rcs)) (local.get $s3))
                ;; At most one of the four is non-zero, so their sum is that value exactly.
                (f32.store (local.get $b) (f32.add (f32.load (local.get $b))
                  (f32.add (f32.add (local.get $s0) (local.get $s1)) (f32.add (local.get $s2) (local.get $s3)))))
                (local.set $act (i32.add (local.get $act) (i32.const 4)))
                (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
                (local.set $b (i32.add (local.get $b) (i32.const 4)))
                (local.set $argmax (i32.add (local.get $argmax) (i32.const 1)))
                (br $c1_next)))
            (local.set $act (i32.add (local.get $act) (local.get $cs)))
            (local.set $col (i32.add (local.get $col) (i32.const 1)))
            (br $col_next)))
        (local.set $act (i32.add (local.get $act) (local.get $rs)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $row_next))))

  ;; Backward of dense → bias → ReLU, in place: dh keeps its value where act > 0 and becomes +0
  ;; elsewhere; dbias gets the column sums, added row by row from the top.
  (func (export "relu_grad_bias")
    (param $dh i32) (param $act i32) (param $dbias i32) (param $rows i32) (param $cols i32)
    (local $row i32) (local $b i32) (local $cs i32) (local $end4 i32) (local $end i32) (local $g v128) (local $gs f32)
    (call $zero (local.get $dbias) (local.get $cols))
    (local.set $cs (i32.shl (local.get $cols) (i32.const 2)))
    (block $rows_done
      (loop $row_next
        (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $b (local.get $dbias))
        (local.set $end (i32.add (local.get $dh) (local.get $cs)))
        (local.set $end4 (i32.sub (local.get $end) (i32.and (local.get $cs) (i32.const 12))))
        (block $c4_done
          (loop $c4_next
            (br_if $c4_done (i32.ge_u (local.get $dh) (local.get $end4)))
            (local.set $g (v128.and (v128.load (local.get $dh))
              (f32x4.gt (v128.load (local.get $act)) (v128.const f32x4 0 0 0 0))))
            (v128.store (local.get $dh) (local.get $g))
            (v128.store (local.get $b) (f32x4.add (v128.load (local.get $b)) (local.get $g)))
            (local.set $dh (i32.add (local.get $dh) (i32.const 16)))
            (local.set $act (i32.add (local.get $act) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $c4_next)))
        (block $c1_done
          (loop $c1_next
            (br_if $c1_done (i32.ge_u (local.get $dh) (local.get $end)))
            (local.set $gs (select (f32.load (local.get $dh)) (f32.const 0)
              (f32.gt (f32.load (local.get $act)) (f32.const 0))))
            (f32.store (local.get $dh) (local.get $gs))
            (f32.store (local.get $b) (f32.add (f32.load (local.get $b)) (local.get $gs)))
            (local.set $dh (i32.add (local.get $dh) (i32.const 4)))
            (local.set $act (i32.add (local.get $act) (i32.const 4)))
            (local.set $b (i32.add (local.get $b) (i32.const 4)))
            (br $c1_next)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $row_next))))
)
