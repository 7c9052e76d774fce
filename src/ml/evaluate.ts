import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gatherNormalised, gatherUnit, IMAGE_SIDE, IMAGE_SIZE, type DigitSet } from '../data/index.js';
import { vaeLoss, type Vae } from './vae.js';

/** Test metrics: accuracy in [0,1] for the CNN, −ELBO in nats per image for the VAE. */
export interface TestMetrics {
  testAccuracy?: number;
  testNegElbo?: number;
}

/** Large enough to amortise kernel overhead, small enough to stay well under 100 MB. */
const EVAL_BATCH = 500;

function ranges(count: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const size = Math.min(EVAL_BATCH, count - start);
    out.push(Int32Array.from({ length: size }, (_, i) => start + i));
  }
  return out;
}

/** Class probabilities [count, 10] for normalised images [count*784]. */
export function classifyImages(model: tfl.LayersModel, normalised: Float32Array): Float32Array {
  const count = normalised.length / IMAGE_SIZE;
  return tf.tidy(() => {
    const x = tf.tensor4d(normalised, [count, IMAGE_SIDE, IMAGE_SIDE, 1]);
    return tf.softmax(model.apply(x) as tf.Tensor2D).dataSync() as Float32Array;
  });
}

export function evaluateClassifier(model: tfl.LayersModel, test: DigitSet): TestMetrics {
  let correct = 0;
  for (const indices of ranges(test.count)) {
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(gatherNormalised(test, indices), [indices.length, IMAGE_SIDE, IMAGE_SIDE, 1]);
      return tf.argMax(model.apply(x) as tf.Tensor2D, 1).dataSync();
    });
    indices.forEach((index, i) => {
      if (predicted[i] === test.labels[index]) correct += 1;
    });
  }
  return { testAccuracy: correct / test.count };
}

/** Single-sample −ELBO with seeded noise, so the figure repeats for the same model. */
export function evaluateVae(vae: Vae, test: DigitSet, seed: number): TestMetrics {
  let total = 0;
  ranges(test.count).forEach((indices, batch) => {
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(gatherUnit(test, indices), [indices.length, IMAGE_SIZE]);
      const noise = tf.randomNormal([indices.length, vae.latentDim], 0, 1, 'float32', seed + batch) as tf.Tensor2D;
      return vaeLoss(vae, x, noise).dataSync()[0];
    });
    total += loss * indices.length;
  });
  return { testNegElbo: total / test.count };
}
