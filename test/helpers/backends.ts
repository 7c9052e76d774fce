import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/ml/index.js';

/** Switches to `name`, initialising it (and our wasm kernels) on first use. */
export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (tf.getBackend() === name) return;
  await initBackend(name);
}

/** Largest absolute difference relative to the largest magnitude of the reference. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}
