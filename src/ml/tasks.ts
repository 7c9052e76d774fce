import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gatherLabels, gatherUnit, IMAGE_SIDE, IMAGE_PIXELS, type DigitSet } from '../data/index.js';
import type { ModelName } from '../config.js';
import { createCnnStep, createVaeStep } from './passes/index.js';
import { classifierLoss, createClassifier } from './cnn.js';
import { createVae, vaeLoss, type Vae } from './vae.js';
import { exampleNoise } from './noise.js';
import { gatherBinarized } from './binarize.js';
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
/** The VAE's step is large, so it ramps up over the first 2% of steps, then follows a cosine. */
const VAE_WARMUP_SHARE = 0.02;
/** Where the VAE's cosine ends, as a fraction of its peak. */
const VAE_COSINE_FLOOR = 0.02;

/**
 * Adam's step size per model. The CNN warms up, then follows a cosine to near zero over the
 * planned run: annealing within the run is what lifts accuracy (after one epoch of 60,000
 * images: 98.09% at a constant 1e-3, 98.42% with a cosine from 1e-3, 98.69% from 2e-3). The
 * VAE's 2-D bottleneck learns slowly and gains from a large early step (test −ELBO at epoch
 * 4: 161.9 nats at 1e-3, 157.0 at 3e-3, 155.7 at 6e-3); a cosine over the planned run keeps it
 * large for longer than the former ×0.87 per epoch and anneals it further at the end
 * (validation −ELBO after 20 epochs in BENCHMARKS.md, "VAE quality").
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
      // The CNN's shape with the VAE's own warm-up and floor.
      at({ step, totalSteps }, peak) {
        const warmup = Math.max(1, Math.round(totalSteps * VAE_WARMUP_SHARE));
        if (step < warmup) return (peak * (step + 1)) / warmup;
        const progress = (step - warmup) / Math.max(1, totalSteps - warmup);
        return peak * (VAE_COSINE_FLOOR + (1 - VAE_COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
      },
    },
  };

/** Adam's step size at `moment`; `peak` overrides the model's own. */
export function learningRateAt(model: ModelName, moment: TrainingMoment, peak = LEARNING_SCHEDULE[model].peak): number {
  return LEARNING_SCHEDULE[model].at(moment, peak);
}

/** Choices of how a model trains that its metadata records. */
export interface TaskRecipe {
  /** VAE only: train on dynamically binarised images (binarize.ts) and evaluate on binarised ones. */
  binarize?: boolean;
  /** CNN only: how the classifier trains (cnn-recipe.ts); the plain recipe when absent. */
  cnn?: CnnRecipe;
}

export function createTask(name: ModelName, train: DigitSet, seed: number, recipe: TaskRecipe = {}): TrainTask {
  return name === 'cnn'
    ? cnnTask(train, seed, recipe.cnn ?? PLAIN_RECIPE)
    : vaeTask(train, seed, recipe.binarize === true);
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

function vaeTask(train: DigitSet, seed: number, binarize: boolean): TrainTask {
  const vae: Vae = createVae({ latentDim: 2, seed, pixelMeans: meanPixels(train) });
  const variables = [...trainableVariables(vae.encoder), ...trainableVariables(vae.decoder)];
  const pass = onWasm() ? createVaeStep(tf.backend() as BackendWasm, shapesOf(variables)) : undefined;
  // Keyed by image, not by batch: the same on every path and every split into shards, so they train alike.
  const noise = (indices: Int32Array, epoch: number) => exampleNoise(seed, epoch, indices, vae.latentDim);
  const images = (indices: Int32Array, epoch: number) =>
    binarize ? gatherBinarized(train, indices, seed, epoch) : gatherUnit(train, indices);
  return {
    name: 'vae',
    variables,
    batchLoss(indices, epoch) {
      return tf.tidy(() => {
        const x = tf.tensor2d(images(indices, epoch), [indices.length, IMAGE_PIXELS]);
        return vaeLoss(vae, x, tf.tensor2d(noise(indices, epoch), [indices.length, vae.latentDim]));
      });
    },
    handPass: pass
      ? (weights, indices, epoch, out) => pass.gradients(weights, images(indices, epoch), noise(indices, epoch), out)
      : undefined,
    evaluate: (test, start, end) => vaeNegElboSum(vae, test, seed, start, end, binarize),
    parts: { encoder: vae.encoder, decoder: vae.decoder },
  };
}

/** Each pixel's mean over the training set, in [0, 1]: [784]. */
function meanPixels(set: DigitSet): Float32Array {
  const sums = new Float64Array(IMAGE_PIXELS);
  for (let i = 0; i < set.count * IMAGE_PIXELS; i++) sums[i % IMAGE_PIXELS] += set.images[i];
  return Float32Array.from(sums, (sum) => sum / (255 * set.count));
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
