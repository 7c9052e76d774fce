import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/ml/index.js';

export { relativeError } from '../../scripts/gpu-check/gradient-check.js';

/** Switches to `name`, initialising it (and our wasm kernels) on first use. */
export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (tf.getBackend() === name) return;
  await initBackend(name);
}
