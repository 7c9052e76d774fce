import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { swapOuterInner } from './layout.js';
import { allocate, heapView, release, runWasm, type WasmKernelArgs } from './wasm-calls.js';

/**
 * Per element, how much more XNNPACK's repacking of the right-hand operand costs than a
 * transpose (measured: ~4–5 ns vs ~1 ns). The stock kernel repacks it on every call when, as in
 * training, it is a fresh tensor.
 */
const PACK_COST = 4;

/**
 * BatchMatMul with transposed operands made plain first: the stock wasm kernel multiplies a
 * transposed operand ~10× slower than a plain one, while a transpose costs about a third of a
 * plain product. Of the two plain forms
 *
 *   direct:  op(a) · op(b)                     (repacks op(b): k × n)
 *   swapped: (op(b)ᵀ · op(a)ᵀ)ᵀ                (repacks op(a)ᵀ: k × m, transposes the m × n result)
 *
 * the cheaper one runs; e.g. a dense layer's input gradient dy · Wᵀ [128, 3136] is swapped
 * (W · dyᵀ)ᵀ, which needs no transpose of W. Untransposed products go to the stock kernel.
 */
export function batchMatMul({ inputs, backend, attrs }: WasmKernelArgs<'a' | 'b', tf.BatchMatMulAttrs>): tf.TensorInfo {
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs;
  if (!transposeA && !transposeB) return runWasm('BatchMatMul', backend, inputs, attrs);
  const rankA = a.shape.length;
  const rankB = b.shape.length;
  const [k, m] = transposeA ? a.shape.slice(rankA - 2) : a.shape.slice(rankA - 2).reverse();
  const n = transposeB ? b.shape[rankB - 2] : b.shape[rankB - 1];

  const direct = (transposeA ? k * m : 0) + (transposeB ? k * n : 0) + PACK_COST * k * n;
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : k * m) + PACK_COST * k * m + m * n;
  if (direct <= swapped) {
    const left = transposeA ? swapLastAxes(backend, a) : a;
    const right = transposeB ? swapLastAxes(backend, b) : b;
    const out = plainProduct(backend, left, right);
    if (transposeA) release(backend, left);
    if (transposeB) release(backend, right);
    return out;
  }
  const left = transposeB ? b : swapLastAxes(backend, b);
  const right = transposeA ? a : swapLastAxes(backend, a);
  const outT = plainProduct(backend, left, right);
  if (!transposeB) release(backend, left);
  if (!transposeA) release(backend, right);
  const out = swapLastAxes(backend, outT);
  release(backend, outT);
  return out;
}

function plainProduct(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return runWasm('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
}

/** [..., r, c] → [..., c, r], in JS: the stock wasm Transpose takes ~3× as long. */
function swapLastAxes(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const [rows, cols] = x.shape.slice(rank - 2);
  const out = allocate(backend, [...x.shape.slice(0, rank - 2), cols, rows]);
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  const size = rows * cols;
  for (let at = 0; at < src.length; at += size) {
    swapOuterInner(src.subarray(at, at + size), dst.subarray(at, at + size), rows, 1, cols);
  }
  return out;
}
