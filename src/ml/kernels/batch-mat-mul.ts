import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, simdKernels } from '../simd/index.js';
import { swapOuterInner } from './layout.js';
import { allocate, heapView, release, runWasm, type WasmKernelArgs } from './wasm-calls.js';

const FLOAT_BYTES = 4;

/**
 * BatchMatMul on our SIMD matrix kernels, which read a transposed operand in place. The stock
 * wasm kernel multiplies a transposed operand in a scalar loop (~2.5 GFLOP/s) and hands plain
 * products to XNNPACK, which repacks a fresh right-hand operand on every call (~17 GFLOP/s on
 * a dense layer's shapes, where ours run at 35–44). Batch dimensions broadcast where one side
 * holds a single matrix, as in the stock kernel, which takes any other mix and non-float data.
 */
export function batchMatMul({ inputs, backend, attrs }: WasmKernelArgs<'a' | 'b', tf.BatchMatMulAttrs>): tf.TensorInfo {
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs;
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const float = a.dtype === 'float32' && b.dtype === 'float32';
  if (!float || (batchA !== batchB && Math.min(batchA, batchB) !== 1)) {
    return runWasm('BatchMatMul', backend, inputs, attrs);
  }
  const [rowsA, colsA] = a.shape.slice(-2);
  const [rowsB, colsB] = b.shape.slice(-2);
  const [m, k] = transposeA ? [colsA, rowsA] : [rowsA, colsA];
  const n = transposeB ? rowsB : colsB;
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = allocate(backend, [...batchShape, m, n]);
  // op(a)ᵀ·op(b)ᵀ is (b·a)ᵀ: a plain product, then a transpose through this buffer.
  const turned = transposeA && transposeB ? allocate(backend, [n, m]) : undefined;

  const { gemm } = simdKernels(backend);
  const [baseA, baseB, baseC] = [a, b, out].map((t) => heapOffset(backend, t));
  for (let i = 0; i < Math.max(batchA, batchB); i++) {
    const pa = baseA + (batchA === 1 ? 0 : i * m * k * FLOAT_BYTES);
    const pb = baseB + (batchB === 1 ? 0 : i * k * n * FLOAT_BYTES);
    const pc = baseC + i * m * n * FLOAT_BYTES;
    if (turned !== undefined) {
      gemm.ab(pb, pa, 0, heapOffset(backend, turned), n, k, m, 0);
      swapOuterInner(heapView(backend, turned), heapView(backend, out).subarray(i * m * n, (i + 1) * m * n), n, 1, m);
    } else if (transposeA) gemm.atb(pa, pb, pc, k, m, n, 0);
    else if (transposeB) gemm.abt(pa, pb, pc, m, k, n);
    else gemm.ab(pa, pb, 0, pc, m, k, n, 0);
  }
  if (turned !== undefined) release(backend, turned);
  return out;
}
