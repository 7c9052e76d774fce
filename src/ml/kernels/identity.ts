import * as tf from '@tensorflow/tfjs-core';
import { runWasm, type WasmKernelArgs } from './wasm-calls.js';

/**
 * Identity without a copy: the output shares the input's data and bumps its reference count, as
 * on the cpu backend. Tensor data is never written in place, so sharing is safe. The stock wasm
 * kernel copies, and the engine clones every tensor it saves for backprop, so training copied
 * each large activation two or three times per step.
 */
export function identity({ inputs, backend }: WasmKernelArgs<'x'>): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string') return runWasm('Identity', backend, inputs);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Cast to the same dtype (ReLU's gradient casts its float mask to float) is an identity. */
export function cast({ inputs, backend, attrs }: WasmKernelArgs<'x', tf.CastAttrs>): tf.TensorInfo {
  if (inputs.x.dtype !== attrs.dtype) return runWasm('Cast', backend, inputs, attrs);
  return identity({ inputs, backend, attrs: {} });
}
