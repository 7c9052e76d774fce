import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gatherLabels, gatherNormalised, gatherUnit, IMAGE_SIDE, IMAGE_SIZE, type DigitSet } from '../data/index.js';
import type { ModelName } from '../config.js';
import { classifierLoss, createClassifier } from './cnn.js';
import { createVae, vaeLoss, type Vae } from './vae.js';
import { classifierCorrect, vaeNegElboSum, type PartialMetric } from './evaluate.js';

/** What the training loop needs to know about one model, whichever it is. */
export interface TrainTask {
  name: ModelName;
  variables: tf.Variable[];
  /** Loss of the batch of training images at `indices`; `step` varies the VAE's noise. */
  batchLoss(indices: Int32Array, step: number): tf.Scalar;
  /** The test metric summed over test images [start, end). */
  evaluate(test: DigitSet, start?: number, end?: number): PartialMetric;
  /** The layers models to save, keyed by their folder name. */
  parts: Record<string, tfl.LayersModel>;
}

/**
 * Adam's step size per model: `initial × decay^(epoch − 1)`. The CNN needs gentle late epochs
 * to pass 99.2%; the VAE's 2-D bottleneck learns slowly, and a large early step reaches a
 * lower −ELBO within 20 epochs (measured: at epoch 4, 161.9 nats with 1e-3, 157.0 with 3e-3,
 * 155.7 with 6e-3).
 */
export const LEARNING_SCHEDULE: Record<ModelName, { initial: number; decay: number }> = {
  cnn: { initial: 1e-3, decay: 0.8 },
  vae: { initial: 6e-3, decay: 0.87 },
};

/** Adam's step size for `epoch` (1-based); `initial` overrides the model's own. */
export function learningRateAt(model: ModelName, epoch: number, initial = LEARNING_SCHEDULE[model].initial): number {
  return initial * LEARNING_SCHEDULE[model].decay ** (epoch - 1);
}

export function createTask(name: ModelName, train: DigitSet, seed: number): TrainTask {
  return name === 'cnn' ? cnnTask(train, seed) : vaeTask(train, seed);
}

function cnnTask(train: DigitSet, seed: number): TrainTask {
  const model = createClassifier(seed);
  return {
    name: 'cnn',
    variables: trainableVariables(model),
    batchLoss(indices) {
      return tf.tidy(() => {
        const x = tf.tensor4d(gatherNormalised(train, indices), [indices.length, IMAGE_SIDE, IMAGE_SIDE, 1]);
        const labels = tf.tensor1d(gatherLabels(train, indices), 'int32'); // [batch]
        return classifierLoss(model.apply(x) as tf.Tensor2D, labels);
      });
    },
    evaluate: (test, start, end) => classifierCorrect(model, test, start, end),
    parts: { model },
  };
}

function vaeTask(train: DigitSet, seed: number): TrainTask {
  const vae: Vae = createVae({ latentDim: 2, seed });
  return {
    name: 'vae',
    variables: [...trainableVariables(vae.encoder), ...trainableVariables(vae.decoder)],
    batchLoss(indices, step) {
      return tf.tidy(() => {
        const x = tf.tensor2d(gatherUnit(train, indices), [indices.length, IMAGE_SIZE]);
        const noise = tf.randomNormal(
          [indices.length, vae.latentDim],
          0,
          1,
          'float32',
          seed * 7919 + step,
        ) as tf.Tensor2D;
        return vaeLoss(vae, x, noise);
      });
    },
    evaluate: (test, start, end) => vaeNegElboSum(vae, test, seed, start, end),
    parts: { encoder: vae.encoder, decoder: vae.decoder },
  };
}

function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}
