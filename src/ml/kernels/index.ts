import * as tf from '@tensorflow/tfjs-core';
// The stock wasm kernels must be registered before we look them up and replace some of them.
import '@tensorflow/tfjs-backend-wasm';
import { batchMatMul } from './batch-mat-mul.js';
import { conv2D, fusedConv2D } from './conv2d.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { cast, identity } from './identity.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { sum } from './sum.js';
import { asKernelFunc, rememberStock, WASM } from './wasm-calls.js';

/** Our wasm kernels by tfjs kernel name; each file says why it beats (or fills in for) the stock one. */
const TRAINING_KERNELS: ReadonlyArray<[string, tf.KernelFunc]> = [
  ['Conv2D', asKernelFunc(conv2D)],
  ['FusedConv2D', asKernelFunc(fusedConv2D)],
  ['Conv2DBackpropFilter', asKernelFunc(conv2DBackpropFilter)],
  ['Conv2DBackpropInput', asKernelFunc(conv2DBackpropInput)],
  ['MaxPoolGrad', asKernelFunc(maxPoolGrad)],
  ['BatchMatMul', asKernelFunc(batchMatMul)],
  ['Sum', asKernelFunc(sum)],
  ['Identity', asKernelFunc(identity)],
  ['Cast', asKernelFunc(cast)],
];

/**
 * Registers fast training kernels for the tfjs `wasm` backend, replacing stock ones where they
 * exist (the originals stay reachable for delegation). Safe to call more than once, before or
 * after `tf.setBackend('wasm')`.
 */
export function registerWasmTrainingKernels(): void {
  for (const [kernelName, kernelFunc] of TRAINING_KERNELS) {
    const current = tf.getKernel(kernelName, WASM);
    if (current?.kernelFunc === kernelFunc) continue;
    const stock = rememberStock(kernelName);
    if (current !== undefined) tf.unregisterKernel(kernelName, WASM);
    // The stock setup binds the wasm functions the stock kernelFunc calls; keep it running on
    // backend initialisation so delegation still works if we registered first.
    tf.registerKernel({ kernelName, backendName: WASM, kernelFunc, setupFunc: stock?.setupFunc });
  }
}
