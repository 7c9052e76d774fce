import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gatherNormalised, gatherUnit, IMAGE_SIDE, IMAGE_PIXELS, type DigitSet } from '../data/index.js';
import { readAndDispose, vaeLoss, type Vae } from './vae.js';
import { gatherBinarizedForEvaluation } from './binarize.js';

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
  const count = normalised.length / IMAGE_PIXELS;
  return readAndDispose(
    tf.tidy(() => tf.softmax(model.apply(tf.tensor4d(normalised, [count, IMAGE_SIDE, IMAGE_SIDE, 1])) as tf.Tensor2D)),
  );
}

/**
 * Correct predictions among test images [start, end). Reads are awaited, so training on a GPU
 * backend can evaluate under Node, where it cannot read synchronously.
 */
export async function classifierCorrect(
  model: tfl.LayersModel,
  test: DigitSet,
  start = 0,
  end = test.count,
): Promise<PartialMetric> {
  let correct = 0;
  for (const indices of batchesOf(start, end)) {
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(gatherNormalised(test, indices), [indices.length, IMAGE_SIDE, IMAGE_SIDE, 1]); // [batch, 28, 28, 1]
      return tf.argMax(model.apply(x) as tf.Tensor2D, 1); // [batch]
    });
    const labels = await predicted.data().finally(() => predicted.dispose());
    indices.forEach((index, i) => {
      if (labels[i] === test.labels[index]) correct += 1;
    });
  }
  return { kind: 'accuracy', sum: correct, count: end - start };
}

/** Held-out images as a VAE sees them: grey levels in [0, 1], or the fixed binarisation of binarize.ts. */
export function heldOutImages(test: DigitSet, indices: Int32Array, binarized: boolean): Float32Array {
  return binarized ? gatherBinarizedForEvaluation(test, indices) : gatherUnit(test, indices);
}

/**
 * ε ~ N(0, I) [size, latent] for the evaluation batch whose first image is `first` (a multiple
 * of EVAL_BATCH), seeded by the run's seed and the batch: every measure of a saved model's
 * −ELBO or its parts draws this, so they add up to the same figure.
 */
export function evaluationNoise(seed: number, first: number, size: number, latentDim: number): tf.Tensor2D {
  return tf.randomNormal([size, latentDim], 0, 1, 'float32', seed + first / EVAL_BATCH);
}

/**
 * Summed −ELBO of test images [start, end): one draw of z per image from q(z|x) (not its
 * mean), with noise seeded per batch; reads awaited. A model trained on binarised images
 * (`binarized`) is measured on the test set's one fixed binarisation.
 */
export async function vaeNegElboSum(
  vae: Vae,
  test: DigitSet,
  seed: number,
  start = 0,
  end = test.count,
  binarized = false,
): Promise<PartialMetric> {
  let total = 0;
  for (const indices of batchesOf(start, end)) {
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(heldOutImages(test, indices, binarized), [indices.length, IMAGE_PIXELS]); // [batch, 784]
      return vaeLoss(vae, x, evaluationNoise(seed, indices[0], indices.length, vae.latentDim));
    });
    const [mean] = await loss.data().finally(() => loss.dispose());
    total += mean * indices.length;
  }
  return { kind: 'negElbo', sum: total, count: end - start };
}

export async function evaluateClassifier(model: tfl.LayersModel, test: DigitSet): Promise<TestMetrics> {
  return combineMetrics([await classifierCorrect(model, test)]);
}

/** Single-sample −ELBO with seeded noise, so the figure repeats for the same model; see {@link vaeNegElboSum}. */
export async function evaluateVae(vae: Vae, test: DigitSet, seed: number, binarized = false): Promise<TestMetrics> {
  return combineMetrics([await vaeNegElboSum(vae, test, seed, 0, test.count, binarized)]);
}
