import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convolveSame3x3, isSame3x3, runWasm, type WasmKernelArgs } from './wasm-calls.js';

/**
 * FusedConv2D for 3×3 'same' convolutions (the CNN's layers, as the tfjs layers model runs them
 * with bias and ReLU) on our SIMD conv3x3, which outruns XNNPACK's convolution on those shapes
 * (`bench/simd-gemm.ts`; figures in BENCHMARKS.md). Every other geometry, activation or data
 * type goes to the stock kernel.
 */
export function fusedConv2D({
  inputs,
  backend,
  attrs,
}: WasmKernelArgs<'x' | 'filter' | 'bias' | 'preluActivationWeights', tf.FusedConv2DAttrs>): tf.TensorInfo {
  const { x, filter, bias, preluActivationWeights } = inputs;
  const { activation } = attrs;
  if (preluActivationWeights === undefined && (activation === 'linear' || activation === 'relu')) {
    const out = convolve3x3(backend, x, filter, bias, activation === 'relu', attrs);
    if (out !== undefined) return out;
  }
  return runWasm('FusedConv2D', backend, inputs, attrs);
}

/**
 * The convolution on conv3x3, or undefined unless it is a float NHWC 3×3 'same' one with at most
 * one bias per output channel.
 */
function convolve3x3(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  relu: boolean,
  { strides, pad, dataFormat, dilations, dimRoundingMode }: tf.Conv2DAttrs,
): tf.TensorInfo | undefined {
  const floats = [x, filter, ...(bias ? [bias] : [])].every((t) => t.dtype === 'float32');
  if (dataFormat === 'NCHW' || !floats) return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
  );
  const oneBiasPerChannel = bias === undefined || (bias.shape.length === 1 && bias.shape[0] === info.outChannels);
  if (!isSame3x3(info) || !oneBiasPerChannel) return undefined;
  return convolveSame3x3(backend, x, filter, bias, relu);
}
