import * as tf from '@tensorflow/tfjs-core';
import { convolve, release, runWasm, transpose, type WasmKernelArgs } from './wasm-calls.js';

/**
 * Conv2DBackpropFilter (the weight gradient of a convolution), which the stock wasm backend
 * lacks, as one forward convolution so that it runs on XNNPACK:
 *
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[b, oh, ow, co]
 *
 * is a convolution whose "images" are the input channels, whose channels are the batch, whose
 * filter is dy and whose filter dilation is the forward stride:
 *
 *   x' = x transposed to [ci, h, w, b], f' = dy transposed to [oh, ow, b, co],
 *   conv(x', f', dilation = stride, padding top/left as forward) → [ci, kh, kw, co] → [kh, kw, ci, co].
 */
export function conv2DBackpropFilter({ inputs, backend, attrs }: WasmKernelArgs<'x' | 'dy', tf.Conv2DBackpropFilterAttrs>): tf.TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { inHeight, inWidth, inChannels, outHeight, outWidth, batchSize, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, padInfo } = info;
  // Padding after the image that makes the output exactly filterHeight × filterWidth; negative
  // when the forward pass never read the last rows/columns, which are then cropped away.
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padInfo.top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - padInfo.left;

  let images = transpose(backend, x, [3, 1, 2, 0]); // [ci, h, w, b]
  if (bottom < 0 || right < 0) {
    const cropped = runWasm(
      'Slice',
      backend,
      { x: images },
      { begin: [0, 0, 0, 0], size: [inChannels, inHeight + Math.min(bottom, 0), inWidth + Math.min(right, 0), batchSize] },
    );
    release(backend, images);
    images = cropped;
  }
  const filter = transpose(backend, dy, [1, 2, 0, 3]); // [oh, ow, b, co]
  const explicit: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [padInfo.top, Math.max(bottom, 0)],
    [padInfo.left, Math.max(right, 0)],
    [0, 0],
  ];
  const grads = convolve(backend, images, filter, explicit, [strideHeight, strideWidth]); // [ci, kh, kw, co]
  release(backend, images, filter);
  const dw = transpose(backend, grads, [1, 2, 0, 3]); // [kh, kw, ci, co]
  release(backend, grads);
  return dw;
}
