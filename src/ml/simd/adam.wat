;; One Adam step over flat float32 vectors at byte offsets into the imported memory, four lanes
;; at a time: the square root and the division, which dominate a scalar loop in JS, cost about
;; as much for four lanes as for one. n need not be a multiple of 4; a scalar loop ends the job.
(module
  (import "env" "memory" (memory 1))

  ;; m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  p ← p − stepSize·m / (√v · inverseRoot2 + ε)
  ;; stepSize carries the first moment's bias correction, inverseRoot2 the second's. rest1 and
  ;; rest2 are 1 − β1 and 1 − β2 from the caller: in float32 here, 1 − 0.999 would be off by 1e-5.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $stepSize f32) (param $beta1 f32) (param $rest1 f32) (param $beta2 f32) (param $rest2 f32)
    (param $epsilon f32) (param $inverseRoot2 f32)
    (local $i i32) (local $end4 i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128)
    (local $lr v128) (local $eps v128) (local $root v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $c1 (f32x4.splat (local.get $rest1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $c2 (f32x4.splat (local.get $rest2)))
    (local.set $lr (f32x4.splat (local.get $stepSize)))
    (local.set $eps (f32x4.splat (local.get $epsilon)))
    (local.set $root (f32x4.splat (local.get $inverseRoot2)))
    ;; Byte offset where the last whole group of four ends.
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vector_done
      (loop $vector
        (br_if $vector_done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $i))))
            (f32x4.mul (local.get $c1) (local.get $gv))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $i))))
            (f32x4.mul (local.get $c2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vv))
        (v128.store
          (i32.add (local.get $p) (local.get $i))
          (f32x4.sub
            (v128.load (i32.add (local.get $p) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $lr) (local.get $mv))
              (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vv)) (local.get $root)) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (block $scalar_done
      (loop $scalar
        (br_if $scalar_done (i32.ge_u (local.get $i) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms
          (f32.add
            (f32.mul (local.get $beta1) (f32.load (i32.add (local.get $m) (local.get $i))))
            (f32.mul (local.get $rest1) (local.get $gs))))
        (local.set $vs
          (f32.add
            (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $v) (local.get $i))))
            (f32.mul (local.get $rest2) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $vs))
        (f32.store
          (i32.add (local.get $p) (local.get $i))
          (f32.sub
            (f32.load (i32.add (local.get $p) (local.get $i)))
            (f32.div
              (f32.mul (local.get $stepSize) (local.get $ms))
              (f32.add (f32.mul (f32.sqrt (local.get $vs)) (local.get $inverseRoot2)) (local.get $epsilon)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar)))))
