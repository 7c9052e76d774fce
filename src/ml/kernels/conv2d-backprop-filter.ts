import * as tf from '@tensorflow/tfjs-core';
import { allocate, heapView, release, runWasm, transpose, type WasmKernelArgs } from './wasm-calls.js';

/**
 * Conv2DBackpropFilter (the weight gradient of a convolution), which the stock wasm backend
 * lacks, as one plain matrix product on XNNPACK:
 *
 *   dW[k, co] = Σ_n patches[n, k] · dy[n, co]     k = (kh, kw, ci), n = (b, oh, ow)
 *
 * XNNPACK repacks the right-hand operand on every call (it is fresh each step), which costs more
 * per element than the product, so the smaller of dy [n, co] and the patches [n, k] goes right:
 * - k ≥ co (conv layers past the first): patchesᵀ [k, n] × dy [n, co], dy used in place;
 * - k < co (e.g. a 1-channel input layer): (dyᵀ [co, n] × patches [n, k])ᵀ.
 * (A forward convolution with dy as a dilated filter also works, but XNNPACK's convolution
 * repacks its filter several times slower than its matrix product does.)
 */
export function conv2DBackpropFilter({
  inputs,
  backend,
  attrs,
}: WasmKernelArgs<'x' | 'dy', tf.Conv2DBackpropFilterAttrs>): tf.TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const geometry = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } = geometry;
  const rows = batchSize * outHeight * outWidth; // n
  const taps = filterHeight * filterWidth * inChannels; // k
  const dyMatrix = { ...dy, shape: [rows, outChannels] }; // a view: same data, [n, co]

  if (taps >= outChannels) {
    const patchesT = allocate(backend, [taps, rows]);
    writePatches(heapView(backend, x), heapView(backend, patchesT), geometry, true);
    const dw = runWasm('BatchMatMul', backend, { a: patchesT, b: dyMatrix }, { transposeA: false, transposeB: false });
    release(backend, patchesT);
    return { ...dw, shape: filterShape };
  }
  const patches = allocate(backend, [rows, taps]);
  writePatches(heapView(backend, x), heapView(backend, patches), geometry, false);
  const dyT = transpose(backend, dyMatrix, [1, 0]); // [co, n]
  const dwT = runWasm('BatchMatMul', backend, { a: dyT, b: patches }, { transposeA: false, transposeB: false });
  release(backend, patches, dyT);
  const dw = transpose(backend, { ...dwT, shape: [outChannels, taps] }, [1, 0]); // [k, co]
  release(backend, dwT);
  return { ...dw, shape: filterShape };
}

/**
 * im2col of NHWC `x`: patches[n, k] = x[b, oh·sh + kh − top, ow·sw + kw − left, ci] (0 outside
 * the image), written as [n, k] or, `transposed`, as [k, n].
 */
export function writePatches(
  x: Float32Array,
  out: Float32Array,
  geometry: tf.backend_util.Conv2DInfo,
  transposed: boolean,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = geometry;
  const { strideHeight, strideWidth, padInfo } = geometry;
  const rows = batchSize * outHeight * outWidth;
  const taps = filterHeight * filterWidth * inChannels;
  // Strides of (n, k) in `out`.
  const nStride = transposed ? 1 : taps;
  const kStride = transposed ? rows : 1;
  let n = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, n++) {
        let k = 0;
        for (let fy = 0; fy < filterHeight; fy++) {
          const iy = oy * strideHeight + fy - padInfo.top;
          for (let fx = 0; fx < filterWidth; fx++) {
            const ix = ox * strideWidth + fx - padInfo.left;
            const inside = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth;
            const from = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            let at = n * nStride + k * kStride;
            for (let c = 0; c < inChannels; c++, at += kStride) out[at] = inside ? x[from + c] : 0;
            k += inChannels;
          }
        }
      }
    }
  }
}
