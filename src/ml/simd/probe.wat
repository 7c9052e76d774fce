(module
  (import "env" "memory" (memory 1))
  (func (export "scale") (param $p i32) (param $n i32) (param $k f32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (f32x4.mul (v128.load (local.get $p)) (f32x4.splat (local.get $k))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))))
