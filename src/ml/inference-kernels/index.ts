import * as tf from '@tensorflow/tfjs-core';
// The stock wasm kernels must be registered before we look them up and replace some of them.
import '@tensorflow/tfjs-backend-wasm';
import { fusedConv2D } from './fused-conv2d.js';
import { asKernelFunc, rememberStock, WASM } from './wasm-calls.js';

/**
 * Our wasm kernels by tfjs kernel name; each file says why it beats the stock one. Only
 * inference runs them: training on wasm is the hand-written pass (src/ml/passes), which calls
 * the SIMD kernels itself, and autograd never runs there.
 */
const INFERENCE_KERNELS: ReadonlyArray<[string, tf.KernelFunc]> = [['FusedConv2D', asKernelFunc(fusedConv2D)]];

/**
 * Registers fast inference kernels for the tfjs `wasm` backend, replacing stock ones (the
 * originals stay reachable for delegation). Safe to call more than once, before or after
 * `tf.setBackend('wasm')`.
 */
export function registerWasmInferenceKernels(): void {
  for (const [kernelName, kernelFunc] of INFERENCE_KERNELS) {
    const current = tf.getKernel(kernelName, WASM);
    if (current?.kernelFunc === kernelFunc) continue;
    const stock = rememberStock(kernelName);
    if (current !== undefined) tf.unregisterKernel(kernelName, WASM);
    // The stock setup binds the wasm functions the stock kernelFunc calls; keep it running on
    // backend initialisation so delegation still works if we registered first.
    tf.registerKernel({ kernelName, backendName: WASM, kernelFunc, setupFunc: stock?.setupFunc });
  }
}
