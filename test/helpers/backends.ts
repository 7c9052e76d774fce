import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/ml/index.js';
import { relativeError } from './gradient-check.js';

export { relativeError };

/** Largest tolerated max|kernel − reference| / max|reference| for our kernels. */
export const KERNEL_TOLERANCE = 1e-4;

/**
 * Asserts that a kernel's output is within KERNEL_TOLERANCE of the reference's. A NaN (e.g. an
 * output element the kernel never wrote) or a length mismatch makes the error infinite.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const error = relativeError(actual, expected);
  assert.ok(error <= KERNEL_TOLERANCE, `${what}: relative error ${error.toExponential(2)}`);
}

/** Switches to `name`, initialising it (and our wasm kernels) on first use. */
export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (tf.getBackend() === name) return;
  await initBackend(name);
}
