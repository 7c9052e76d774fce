import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { filterGradByPatches } from './conv2d-backprop-filter-im2col.js';
import { filterGradByShiftedRows } from './conv2d-backprop-filter-shifted.js';
import { swapOuterInner } from './layout.js';
import { heapOffset, simdKernels } from '../simd/index.js';
import {
  allocate,
  convolve,
  heapView,
  isSame3x3,
  release,
  transpose,
  zeros,
  type WasmKernelArgs,
} from './wasm-calls.js';

/**
 * Below this many input channels the convolution route wastes most of XNNPACK's output tile
 * (the gradient's "output channels" are the layer's input channels).
 */
const MIN_CHANNELS_FOR_CONVOLUTION = 8;

/**
 * Conv2DBackpropFilter (the weight gradient of a convolution), which the stock wasm backend
 * lacks. A 3×3 'same' convolution (the CNN's two layers) runs on our SIMD kernel, which reads
 * x and dy in place; three other routes run on XNNPACK:
 * - stride 1, output as large as the input ('same'): im2col by shifted bulk copies and a matrix
 *   product (`filterGradByShiftedRows`);
 * - other stride-1 cases: a forward convolution with x as the filter,
 *
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} dy[b, oh, ow, co] · x[b, oh + kh − top, ow + kw − left, ci]
 *                      = conv(dy as [co, oh, ow, b], x as filter [h, w, b, ci])[co, KH−1−kh, KW−1−kw, ci]
 *
 *   x, not dy, is the filter because XNNPACK repacks a fresh filter at ~20 ns an element and x
 *   is usually the smaller;
 * - strides, inputs with few channels and odd paddings: im2col element by element and a matrix
 *   product.
 */
export function conv2DBackpropFilter({
  inputs,
  backend,
  attrs,
}: WasmKernelArgs<'x' | 'dy', tf.Conv2DBackpropFilterAttrs>): tf.TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  if (tf.util.sizeFromShape(dy.shape) === 0) return zeros(backend, filterShape);
  const geometry = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, padInfo } = geometry;
  if (isSame3x3(geometry)) {
    const dw = allocate(backend, filterShape);
    const at = (t: tf.TensorInfo) => heapOffset(backend, t);
    const { batchSize, inChannels, outChannels } = geometry;
    simdKernels(backend).gemm.conv3x3FilterGrad(
      at(x),
      at(dy),
      at(dw),
      batchSize,
      inHeight,
      inWidth,
      inChannels,
      outChannels,
    );
    return dw;
  }
  const unitStride = geometry.strideHeight === 1 && geometry.strideWidth === 1;
  if (unitStride && outHeight === inHeight && outWidth === inWidth) {
    return filterGradByShiftedRows(backend, x, dy, geometry);
  }
  // Padding of dy that makes the convolution's output exactly filterHeight × filterWidth.
  const top = filterHeight - 1 - padInfo.top;
  const bottom = inHeight - outHeight + padInfo.top;
  const left = filterWidth - 1 - padInfo.left;
  const right = inWidth - outWidth + padInfo.left;
  if (!unitStride || geometry.inChannels < MIN_CHANNELS_FOR_CONVOLUTION || Math.min(top, bottom, left, right) < 0) {
    return filterGradByPatches(backend, x, dy, geometry);
  }
  return filterGradByConvolution(backend, x, dy, geometry, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
}

function filterGradByConvolution(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  geometry: tf.backend_util.Conv2DInfo,
  pad: tf.backend_util.ExplicitPadding,
): tf.TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels, inChannels, filterHeight, filterWidth } = geometry;
  const images = allocate(backend, [outChannels, outHeight, outWidth, batchSize]);
  swapOuterInner(heapView(backend, dy), heapView(backend, images), batchSize, outHeight * outWidth, outChannels);
  const filter = transpose(backend, x, [1, 2, 0, 3]); // [h, w, b, ci]
  const flipped = convolve(backend, images, filter, pad); // [co, kh', kw', ci], kh' = KH − 1 − kh
  release(backend, images, filter);

  const dw = allocate(backend, [filterHeight, filterWidth, inChannels, outChannels]);
  const src = heapView(backend, flipped);
  const dst = heapView(backend, dw);
  const taps = filterHeight * filterWidth;
  for (let o = 0; o < outChannels; o++) {
    for (let t = 0; t < taps; t++) {
      const from = (o * taps + (taps - 1 - t)) * inChannels; // (kh', kw') reversed row-major = (kh, kw) flipped
      for (let i = 0; i < inChannels; i++) dst[(t * inChannels + i) * outChannels + o] = src[from + i];
    }
  }
  release(backend, flipped);
  return dw;
}
