import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, IMAGE_PIXELS } from '../data/index.js';

const HIDDEN_UNITS = 512;

export interface VaeOptions {
  /** Size of the latent space; 2 makes it a plane a person can walk. */
  latentDim: number;
  seed: number;
  /**
   * Each pixel's mean over the training images [784] in [0, 1]: the output layer's bias
   * starts at their logits, so the first decodes are the mean digit and early steps shape
   * strokes rather than the background. Absent: a zero bias (models about to be loaded).
   */
  pixelMeans?: Float32Array;
}

/** Means are clamped this far from 0 and 1, so a pixel never lit in training gets a finite logit. */
const MEAN_CLAMP = 1e-3;

/** Seeds the decoder's first layer (spreadHinges) apart from the layers tfjs draws from seed + 1, 2, 3 and 5. */
const HINGE_SEED_OFFSET = 6;

/** Encoder and decoder as separate models, so the explorer can decode single points. */
export interface Vae {
  /** [batch, 784] in [0,1] -> [mu [batch, latent], logvar [batch, latent]] */
  encoder: tfl.LayersModel;
  /** [batch, latent] -> [batch, 784] pixel probabilities */
  decoder: tfl.LayersModel;
  latentDim: number;
}

/**
 * The VAE: Dense(512)→ReLU→(mu, logvar); Dense(512)→ReLU→Dense(784)→Sigmoid. The latent plane is
 * what the explorer walks and the new-numbers search scans, hence `latentDim` 2 in the app.
 */
export function createVae({ latentDim, seed, pixelMeans }: VaeOptions): Vae {
  const glorot = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const input = tfl.input({ shape: [IMAGE_PIXELS], name: 'image' });
  const hidden = tfl.layers
    .dense({ units: HIDDEN_UNITS, activation: 'relu', kernelInitializer: glorot(1), name: 'enc_hidden' })
    .apply(input) as tfl.SymbolicTensor;
  const mu = tfl.layers.dense({ units: latentDim, kernelInitializer: glorot(2), name: 'mu' }).apply(hidden);
  const logvar = tfl.layers.dense({ units: latentDim, kernelInitializer: glorot(3), name: 'logvar' }).apply(hidden);
  const encoder = tfl.model({
    name: 'encoder',
    inputs: input,
    outputs: [mu as tfl.SymbolicTensor, logvar as tfl.SymbolicTensor],
  });
  const decoder = tfl.sequential({
    name: 'decoder',
    layers: [
      tfl.layers.dense({
        inputShape: [latentDim],
        units: HIDDEN_UNITS,
        activation: 'relu',
        // Replaced below by spreadHinges.
        kernelInitializer: 'zeros',
        name: 'dec_hidden',
      }),
      tfl.layers.dense({ units: IMAGE_PIXELS, activation: 'sigmoid', kernelInitializer: glorot(5), name: 'pixels' }),
    ],
  });
  const hinges = spreadHinges(latentDim, seed);
  // The variables take the values over, so the tensors handed in are freed with the tidy.
  tf.tidy(() => {
    const [kernel, bias] = decoder.getLayer('dec_hidden').weights;
    kernel.write(tf.tensor2d(hinges.kernel, [latentDim, HIDDEN_UNITS]));
    bias.write(tf.tensor1d(hinges.bias));
  });
  if (pixelMeans !== undefined) {
    tf.tidy(() => {
      decoder.getLayer('pixels').weights[1].write(tf.tensor1d(meanLogits(pixelMeans)));
    });
  }
  return { encoder, decoder, latentDim };
}

/** The spread of the decoder's first kernel: each weight is drawn from N(0, HINGE_SLOPE²). */
export const HINGE_SLOPE = 1.5;
/** Each hinge of the decoder's first layer starts this far from the origin at most, in the prior's standard deviations. */
export const HINGE_REACH = 3;

/**
 * First values of the decoder's hidden layer, [latent, 512] kernel and [512] bias. Each unit
 * is a ramp over the latent plane whose hinge is the line w·z + b = 0. Glorot's draw with a
 * zero bias starts every hinge through the origin with slopes near 0.1, and training spends
 * its early epochs spreading them; here the slopes come from N(0, HINGE_SLOPE²) and each
 * bias puts its hinge at a distance drawn uniformly from [−HINGE_REACH, HINGE_REACH], so
 * the ramps cover the prior's ±3σ from the first step. With seeds 42 and 1 this fitted the
 * training set 2.0 and 2.4 nats closer after 20 epochs and lowered validation −ELBO by 0.9 and
 * 2.3 nats; on the test set, 146.65 nats against 149.10 (BENCHMARKS.md, "VAE quality, evening").
 */
function spreadHinges(latentDim: number, seed: number): { kernel: Float32Array; bias: Float32Array } {
  const uniform = createRng(seed + HINGE_SEED_OFFSET);
  // Box–Muller; 1 − u is in (0, 1], so its logarithm is finite.
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const kernel = Float32Array.from({ length: latentDim * HIDDEN_UNITS }, () => HINGE_SLOPE * normal());
  const bias = new Float32Array(HIDDEN_UNITS);
  for (let unit = 0; unit < HIDDEN_UNITS; unit++) {
    let slope = 0;
    for (let d = 0; d < latentDim; d++) slope += kernel[d * HIDDEN_UNITS + unit] ** 2;
    bias[unit] = (2 * uniform() - 1) * HINGE_REACH * Math.sqrt(slope);
  }
  return { kernel, bias };
}

/** log(m / (1 − m)) of each mean, clamped to [MEAN_CLAMP, 1 − MEAN_CLAMP]: sigmoid's inverse. */
function meanLogits(means: Float32Array): Float32Array {
  return means.map((m) => {
    const clamped = Math.min(Math.max(m, MEAN_CLAMP), 1 - MEAN_CLAMP);
    return Math.log(clamped / (1 - clamped));
  });
}

/** Keeps log(p) finite where the sigmoid saturates. */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * Negative ELBO per image in nats: summed binary cross-entropy over the 784 pixels plus
 * KL(q(z|x) || N(0, I)), averaged over the batch. `noise` is eps ~ N(0, I) [batch, latent].
 */
export function vaeLoss(vae: Vae, images: tf.Tensor2D, noise: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [bce, kl] = vaeLossParts(vae, images, noise);
    return tf.mean(tf.add(bce, kl)) as tf.Scalar;
  });
}

/**
 * Each image's two terms of the loss `vaeLoss` averages, with the same noise: reconstruction
 * [batch] and KL [batch], in nats. The Models view shows them apart.
 */
export function vaeLossParts(vae: Vae, images: tf.Tensor2D, noise: tf.Tensor2D): [tf.Tensor1D, tf.Tensor1D] {
  return tf.tidy(() => {
    const [mu, logvar] = vae.encoder.apply(images) as tf.Tensor2D[]; // [batch, latent] each
    const z = tf.add(mu, tf.mul(noise, tf.exp(tf.mul(logvar, 0.5)))); // [batch, latent]
    const p = tf.clipByValue(vae.decoder.apply(z) as tf.Tensor2D, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    const logLikelihood = tf.add(tf.mul(images, tf.log(p)), tf.mul(tf.sub(1, images), tf.log(tf.sub(1, p)))); // [batch, 784]
    const bce = tf.neg(tf.sum(logLikelihood, 1)) as tf.Tensor1D; // [batch]
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar)), 1)) as tf.Tensor1D; // [batch]
    return [bce, kl];
  });
}

/** Decodes latent points [count*latent] into images [count*784] in [0,1]. */
export function decodePoints(vae: Vae, points: Float32Array): Float32Array {
  const count = points.length / vae.latentDim;
  return readAndDispose(tf.tidy(() => vae.decoder.apply(tf.tensor2d(points, [count, vae.latentDim])) as tf.Tensor2D));
}

/** Latent means [count*latent] of images [count*784] in [0,1]. */
export function encodeImages(vae: Vae, images: Float32Array): Float32Array {
  const count = images.length / IMAGE_PIXELS;
  return readAndDispose(
    tf.tidy(() => (vae.encoder.apply(tf.tensor2d(images, [count, IMAGE_PIXELS])) as tf.Tensor2D[])[0]),
  );
}

/**
 * Reads a tensor's values outside `tf.tidy`: a typed array returned from a tidy is walked
 * element by element in search of tensors, which costs more than the decode itself.
 */
export function readAndDispose(tensor: tf.Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}
