import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, runWasm, transpose, type WasmKernelArgs } from './wasm-calls.js';

/**
 * BatchMatMul whose transposed operands are transposed explicitly first: the stock wasm kernel
 * multiplies a transposed operand ~10× slower than a plain one, while a transpose costs about a
 * third of a plain multiply. Untransposed products go straight to the stock kernel.
 */
export function batchMatMul({ inputs, backend, attrs }: WasmKernelArgs<'a' | 'b', tf.BatchMatMulAttrs>): tf.TensorInfo {
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs;
  if (!transposeA && !transposeB) return runWasm('BatchMatMul', backend, inputs, attrs);
  const plainA = transposeA ? swapLastAxes(backend, a) : a;
  const plainB = transposeB ? swapLastAxes(backend, b) : b;
  const out = runWasm('BatchMatMul', backend, { a: plainA, b: plainB }, { transposeA: false, transposeB: false });
  if (transposeA) release(backend, plainA);
  if (transposeB) release(backend, plainB);
  return out;
}

function swapLastAxes(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose(backend, x, perm);
}
