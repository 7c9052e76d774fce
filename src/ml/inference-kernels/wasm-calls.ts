import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels } from '../simd/index.js';

/** The backend every kernel in this folder runs on. */
export const WASM = 'wasm';

/** What tfjs hands a kernelFunc, typed for the wasm backend and one kernel's inputs and attrs. */
export interface WasmKernelArgs<Inputs extends string, Attrs = object> {
  inputs: Record<Inputs, tf.TensorInfo>;
  backend: BackendWasm;
  attrs: Attrs;
}

/** Erases a typed wasm kernel body to what `tf.registerKernel` takes. */
export function asKernelFunc<Inputs extends string, Attrs>(
  func: (args: WasmKernelArgs<Inputs, Attrs>) => tf.TensorInfo,
): tf.KernelFunc {
  return func as unknown as tf.KernelFunc;
}

/**
 * Kernel functions of the wasm backend as shipped, kept before we replace any of them, so our
 * kernels can delegate to (and build on) the originals rather than to themselves.
 */
const stockKernels = new Map<string, tf.KernelConfig>();

/** Remembers the stock kernel `name` (once), returning it, or undefined if wasm has none. */
export function rememberStock(name: string): tf.KernelConfig | undefined {
  if (!stockKernels.has(name)) {
    const config = tf.getKernel(name, WASM);
    if (config !== undefined) stockKernels.set(name, config);
  }
  return stockKernels.get(name);
}

/**
 * Runs the wasm backend's own kernel `name` (the stock one where we replaced it) on TensorInfos.
 * The result is a fresh TensorInfo the caller owns.
 */
export function runWasm(
  name: string,
  backend: BackendWasm,
  inputs: Record<string, tf.TensorInfo>,
  attrs: object = {},
): tf.TensorInfo {
  const config = stockKernels.get(name) ?? tf.getKernel(name, WASM);
  if (config === undefined) throw new Error(`wasm backend has no kernel ${name}`);
  return config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/**
 * The 3×3 'same' NHWC convolution of x [b, h, w, ci] with filter [3, 3, ci, co] on our SIMD
 * kernel, plus bias [co] when given, then max(0, ·) when `relu`.
 */
export function convolveSame3x3(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias?: tf.TensorInfo,
  relu = false,
): tf.TensorInfo {
  const [batch, height, width, inChannels] = x.shape;
  const outChannels = filter.shape[3];
  const out = backend.makeOutput([batch, height, width, outChannels], 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const biasAt = bias === undefined ? 0 : at(bias);
  const { gemm } = simdKernels(backend);
  gemm.conv3x3(at(x), at(filter), biasAt, at(out), batch, height, width, inChannels, outChannels, relu ? 1 : 0);
  return out;
}

/**
 * Whether `info` describes a 3×3, stride-1, undilated convolution padded by one pixel on every
 * side: the case of our SIMD conv3x3 kernel, the CNN's layers among them.
 */
export function isSame3x3(info: tf.backend_util.Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  return (
    filterHeight === 3 &&
    filterWidth === 3 &&
    strideHeight === 1 &&
    strideWidth === 1 &&
    dilationHeight === 1 &&
    dilationWidth === 1 &&
    padInfo.top === 1 &&
    padInfo.bottom === 1 &&
    padInfo.left === 1 &&
    padInfo.right === 1
  );
}
