import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gatherNormalised, gatherUnit, IMAGE_SIDE, IMAGE_SIZE, type DigitSet } from '../data/index.js';
import { readAndDispose, vaeLoss, type Vae } from './vae.js';

/** Test metrics: accuracy in [0,1] for the CNN, −ELBO in nats per image for the VAE. */
export interface TestMetrics {
  testAccuracy?: number;
  testNegElbo?: number;
}

/**
 * A metric summed over part of the test set, so shards evaluated in different workers
 * add up to exactly what one pass over the whole set gives.
 */
export interface PartialMetric {
  kind: 'accuracy' | 'negElbo';
  sum: number;
  count: number;
}

/**
 * Images per evaluation batch: large enough to amortise kernel overhead, small enough to
 * stay well under 100 MB. Shards must start at multiples of it (the VAE's noise is seeded
 * per batch).
 */
export const EVAL_BATCH = 500;

function batchesOf(start: number, end: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let first = start; first < end; first += EVAL_BATCH) {
    const size = Math.min(EVAL_BATCH, end - first);
    out.push(Int32Array.from({ length: size }, (_, i) => first + i));
  }
  return out;
}

/** Adds up partial metrics into the figures people read. */
export function combineMetrics(parts: PartialMetric[]): TestMetrics {
  const sum = parts.reduce((s, p) => s + p.sum, 0);
  const count = parts.reduce((s, p) => s + p.count, 0);
  return parts[0]?.kind === 'accuracy' ? { testAccuracy: sum / count } : { testNegElbo: sum / count };
}

/** Class probabilities [count, 10] for normalised images [count*784]. */
export function classifyImages(model: tfl.LayersModel, normalised: Float32Array): Float32Array {
  const count = normalised.length / IMAGE_SIZE;
  return readAndDispose(
    tf.tidy(() => tf.softmax(model.apply(tf.tensor4d(normalised, [count, IMAGE_SIDE, IMAGE_SIDE, 1])) as tf.Tensor2D)),
  );
}

/** Correct predictions among test images [start, end). */
export function classifierCorrect(model: tfl.LayersModel, test: DigitSet, start = 0, end = test.count): PartialMetric {
  let correct = 0;
  for (const indices of batchesOf(start, end)) {
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(gatherNormalised(test, indices), [indices.length, IMAGE_SIDE, IMAGE_SIDE, 1]);
      return tf.argMax(model.apply(x) as tf.Tensor2D, 1).dataSync();
    });
    indices.forEach((index, i) => {
      if (predicted[i] === test.labels[index]) correct += 1;
    });
  }
  return { kind: 'accuracy', sum: correct, count: end - start };
}

/** Summed single-sample −ELBO of test images [start, end), with noise seeded per batch. */
export function vaeNegElboSum(vae: Vae, test: DigitSet, seed: number, start = 0, end = test.count): PartialMetric {
  let total = 0;
  for (const indices of batchesOf(start, end)) {
    const batch = indices[0] / EVAL_BATCH;
    total += tf.tidy(() => {
      const x = tf.tensor2d(gatherUnit(test, indices), [indices.length, IMAGE_SIZE]);
      const noise = tf.randomNormal([indices.length, vae.latentDim], 0, 1, 'float32', seed + batch) as tf.Tensor2D;
      return vaeLoss(vae, x, noise).dataSync()[0] * indices.length;
    });
  }
  return { kind: 'negElbo', sum: total, count: end - start };
}

export function evaluateClassifier(model: tfl.LayersModel, test: DigitSet): TestMetrics {
  return combineMetrics([classifierCorrect(model, test)]);
}

/** Single-sample −ELBO with seeded noise, so the figure repeats for the same model. */
export function evaluateVae(vae: Vae, test: DigitSet, seed: number): TestMetrics {
  return combineMetrics([vaeNegElboSum(vae, test, seed)]);
}
