import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { swapOuterInner } from './layout.js';
import { allocate, heapView, release, runWasm } from './wasm-calls.js';

/**
 * The weight gradient of any NHWC convolution through explicit im2col patches: see
 * `filterGradFromPatches`. Strided convolutions and odd paddings come here.
 */
export function filterGradByPatches(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  geometry: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, outHeight, outWidth, filterHeight, filterWidth, inChannels } = geometry;
  const patchesT = allocate(backend, [filterHeight * filterWidth * inChannels, batchSize * outHeight * outWidth]);
  writePatchesT(heapView(backend, x), heapView(backend, patchesT), geometry);
  return filterGradFromPatches(backend, patchesT, dy, geometry);
}

/**
 * dW[k, co] = Σ_n patchesT[k, n] · dy[n, co] (k = (kh, kw, ci), n = (b, oh, ow)) as one plain
 * matrix product on XNNPACK; releases `patchesT`. XNNPACK repacks the right-hand operand on
 * every call (it is fresh each step), which costs more per element than the product, so the
 * smaller of dy [n, co] and the patches goes right:
 * - k ≥ co: patchesT [k, n] × dy [n, co], dy used in place;
 * - k < co (e.g. a 1-channel input layer): (dyᵀ [co, n] × patches [n, k])ᵀ.
 */
export function filterGradFromPatches(
  backend: BackendWasm,
  patchesT: tf.TensorInfo,
  dy: tf.TensorInfo,
  geometry: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { outChannels, filterHeight, filterWidth, inChannels } = geometry;
  const [taps, rows] = patchesT.shape; // k, n
  const filterShape = [filterHeight, filterWidth, inChannels, outChannels];
  const plain = { transposeA: false, transposeB: false };

  if (taps >= outChannels) {
    const dyMatrix = { ...dy, shape: [rows, outChannels] }; // a view: same data
    const dw = runWasm('BatchMatMul', backend, { a: patchesT, b: dyMatrix }, plain);
    release(backend, patchesT);
    return { ...dw, shape: filterShape };
  }
  const patches = allocate(backend, [rows, taps]);
  const dyT = allocate(backend, [outChannels, rows]);
  swapOuterInner(heapView(backend, patchesT), heapView(backend, patches), taps, 1, rows);
  swapOuterInner(heapView(backend, dy), heapView(backend, dyT), rows, 1, outChannels);
  release(backend, patchesT);
  const dwT = runWasm('BatchMatMul', backend, { a: dyT, b: patches }, plain); // [co, k]
  release(backend, patches, dyT);
  const dw = allocate(backend, filterShape);
  swapOuterInner(heapView(backend, dwT), heapView(backend, dw), outChannels, 1, taps);
  release(backend, dwT);
  return dw;
}

/**
 * im2col of NHWC `x`, transposed: patchesT[k, n] = x[b, oh·sh + kh − top, ow·sw + kw − left, ci]
 * (0 outside the image). Taps are the outer loop so that writes go to only `ci` streams at a time.
 */
function writePatchesT(x: Float32Array, out: Float32Array, geometry: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = geometry;
  const { strideHeight, strideWidth, padInfo } = geometry;
  const rows = batchSize * outHeight * outWidth;
  for (let fy = 0; fy < filterHeight; fy++) {
    for (let fx = 0; fx < filterWidth; fx++) {
      const k = (fy * filterWidth + fx) * inChannels;
      let n = 0;
      for (let b = 0; b < batchSize; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideHeight + fy - padInfo.top;
          const rowInside = iy >= 0 && iy < inHeight;
          for (let ox = 0; ox < outWidth; ox++, n++) {
            const ix = ox * strideWidth + fx - padInfo.left;
            let at = k * rows + n;
            if (rowInside && ix >= 0 && ix < inWidth) {
              const from = ((b * inHeight + iy) * inWidth + ix) * inChannels;
              for (let c = 0; c < inChannels; c++, at += rows) out[at] = x[from + c];
            } else {
              for (let c = 0; c < inChannels; c++, at += rows) out[at] = 0;
            }
          }
        }
      }
    }
  }
}
