import * as tf from '@tensorflow/tfjs-core';
import type { GradientCase } from './gradient-cases.js';

/** The bound the issue sets: max|backend − reference| / max|reference|, per gradient. */
export const GRADIENT_TOLERANCE = 1e-3;

/** How one case compared. */
export interface GradientResult {
  label: string;
  /** The worst relative error over the case's gradients. */
  error: number;
  ok: boolean;
}

/**
 * Computes every case's gradients on `backend` and on `reference` (both already registered)
 * and compares them. Reads are asynchronous, as WebGPU under Node requires. Leaves
 * `reference` active.
 */
export async function checkGradients(
  cases: GradientCase[],
  backend: string,
  reference: string,
  tolerance = GRADIENT_TOLERANCE,
): Promise<GradientResult[]> {
  const results: GradientResult[] = [];
  for (const c of cases) {
    const actual = await gradientsOn(backend, c);
    const expected = await gradientsOn(reference, c);
    if (actual.length !== expected.length)
      throw new Error(`${c.label}: ${actual.length} vs ${expected.length} gradients`);
    const error = Math.max(...actual.map((a, i) => relativeError(a, expected[i])));
    results.push({ label: c.label, error, ok: error <= tolerance });
  }
  return results;
}

async function gradientsOn(backend: string, c: GradientCase): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  const grads = c.gradients();
  try {
    return (await Promise.all(grads.map((g) => g.data()))) as Float32Array[];
  } finally {
    tf.dispose(grads);
  }
}

/** max|actual − expected| / max|expected|; NaN anywhere makes it infinite, so it fails. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (Number.isNaN(d)) return Infinity;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / Math.max(scale, 1e-30);
}
