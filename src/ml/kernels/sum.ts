import * as tf from '@tensorflow/tfjs-core';
import { allocate, heapView, runWasm, type WasmKernelArgs } from './wasm-calls.js';

/**
 * Sum over leading axes (a bias gradient: [batch, h, w, c] → [c]) as one pass in JS. The stock
 * wasm kernel first transposes the reduced axes innermost: ~17 ms for a [128, 28, 28, 32]
 * activation, against ~2.5 ms here. Other reductions go to the stock kernel.
 */
export function sum({ inputs, backend, attrs }: WasmKernelArgs<'x', tf.SumAttrs>): tf.TensorInfo {
  const { x } = inputs;
  const { axis, keepDims } = attrs;
  const axes = [...tf.util.parseAxisParam(axis, x.shape)].sort((p, q) => p - q);
  const leading = axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || axes.length === 0 || !leading || axes.length === x.shape.length) {
    return runWasm('Sum', backend, inputs, attrs);
  }
  const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const kept = x.shape.slice(axes.length);
  const width = tf.util.sizeFromShape(kept);
  const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
  const out = allocate(backend, outShape);
  heapView(backend, out).set(sumRows(heapView(backend, x), rows, width));
  return out;
}

/** Row sums of a [rows, width] matrix, 8 rows per pass (~3× faster in V8 than one). */
function sumRows(src: Float32Array, rows: number, width: number): Float64Array {
  const acc = new Float64Array(width);
  const w = width;
  let r = 0;
  for (; r + 8 <= rows; r += 8) {
    const base = r * w;
    for (let j = 0; j < w; j++) {
      const i = base + j;
      acc[j] +=
        src[i] +
        src[i + w] +
        (src[i + 2 * w] + src[i + 3 * w]) +
        (src[i + 4 * w] + src[i + 5 * w] + (src[i + 6 * w] + src[i + 7 * w]));
    }
  }
  for (; r < rows; r++) {
    for (let j = 0; j < w; j++) acc[j] += src[r * w + j];
  }
  return acc;
}
