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

/** Per-model learning-rate decay per epoch; the CNN needs its late epochs gentler to pass 99.2%. */
export const LEARNING_RATE_DECAY: Record<ModelName, number> = { cnn: 0.8, vae: 0.95 };

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
