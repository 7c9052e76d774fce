import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { filterGradFromPatches } from './conv2d-backprop-filter-im2col.js';
import { swapOuterInner } from './layout.js';
import { allocate, heapView, release } from './wasm-calls.js';

/**
 * The weight gradient of a stride-1 convolution whose output is as large as its input (e.g.
 * 'same' padding), with the im2col patches built by bulk copies:
 *
 *   patchesT[(kh, kw, ci), n] = x[b, y + kh − top, x + kw − left, ci]   (0 outside the image)
 *
 * With output and input the same size, n = (b, y, x) indexes both, so a row of patchesT is the
 * row ci of xᵀ [ci, n] shifted by (kh − top)·W + (kw − left): one typed-array copy, then zeros
 * where the tap falls off the image (~1.5 ms for the CNN's second layer at batch 64, where
 * writing the patches element by element took several times that). The product then runs with
 * dy in place (~21 ms there), where the convolution route, whose filter XNNPACK transposes and
 * repacks at ~20 ns an element, took ~23.
 */
export function filterGradByShiftedRows(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  geometry: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth } = geometry;
  const pixels = batchSize * inHeight * inWidth; // n
  const taps = filterHeight * filterWidth;

  const xT = inChannels === 1 ? x : allocate(backend, [inChannels, pixels]);
  const patchesT = allocate(backend, [taps * inChannels, pixels]);
  if (inChannels > 1) swapOuterInner(heapView(backend, x), heapView(backend, xT), pixels, 1, inChannels);
  const src = heapView(backend, xT);
  const dst = heapView(backend, patchesT);
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const shift: Shift = { dy: kh - geometry.padInfo.top, dx: kw - geometry.padInfo.left };
      for (let ci = 0; ci < inChannels; ci++) {
        const row = ((kh * filterWidth + kw) * inChannels + ci) * pixels;
        writeShiftedRow(src, ci * pixels, dst, row, shift, geometry);
      }
    }
  }
  if (xT !== x) release(backend, xT);

  return filterGradFromPatches(backend, patchesT, dy, geometry);
}

/** Where a tap reads, relative to the output pixel: input (y + dy, x + dx). */
interface Shift {
  dy: number;
  dx: number;
}

/**
 * dst[to + n] = src[from + n + dy·W + dx] for n = (b, y, x) with (y + dy, x + dx) inside the
 * image, 0 elsewhere: a bulk copy (which wraps into neighbouring rows and images at the edges)
 * and then zeros over exactly those wrapped entries.
 */
function writeShiftedRow(
  src: Float32Array,
  from: number,
  dst: Float32Array,
  to: number,
  { dy, dx }: Shift,
  { batchSize, inHeight: height, inWidth: width }: tf.backend_util.Conv2DInfo,
): void {
  const pixels = batchSize * height * width;
  const shift = dy * width + dx;
  const lo = Math.min(Math.max(0, -shift), pixels);
  const hi = Math.max(Math.min(pixels, pixels - shift), lo);
  dst.fill(0, to, to + lo);
  // Both views lie on the wasm heap, where `set` would first copy the source aside (it guards
  // against overlap); copyWithin on one view of the heap is a plain memmove, ~4× faster.
  const heap = new Float32Array(dst.buffer);
  const srcAt = src.byteOffset / Float32Array.BYTES_PER_ELEMENT + from;
  heap.copyWithin(dst.byteOffset / Float32Array.BYTES_PER_ELEMENT + to + lo, srcAt + lo + shift, srcAt + hi + shift);
  dst.fill(0, to + hi, to + pixels);

  // Rows whose tap row is off the image: |dy| image rows at the top or bottom of every image.
  const image = height * width;
  const rowsFrom = dy < 0 ? 0 : Math.max(height - dy, 0) * width;
  const rowsTo = dy < 0 ? Math.min(-dy, height) * width : image;
  for (let start = to; start < to + pixels; start += image) {
    for (let i = start + rowsFrom; i < start + rowsTo; i++) dst[i] = 0;
  }
  // Columns whose tap column is off the image: |dx| entries at the start or end of every row.
  const colsFrom = dx < 0 ? 0 : Math.max(width - dx, 0);
  const colsTo = dx < 0 ? Math.min(-dx, width) : width;
  for (let col = colsFrom; col < colsTo; col++) {
    for (let i = to + col; i < to + pixels; i += width) dst[i] = 0;
  }
}
