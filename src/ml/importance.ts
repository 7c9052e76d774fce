/**
 * The importance-sampled bound on the VAE's log-likelihood (Burda et al.'s IWAE bound):
 *
 *   log p(x) ≥ E[ log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x) ],  z_k ~ q(z|x),
 *
 * which equals the ELBO at K = 1 and tightens towards log p(x) as K grows. It is what papers
 * report as a VAE's test log-likelihood, so our figure compares with theirs; like the ELBO it
 * is reported negated, in nats per image, and its expectation lies below −ELBO.
 */
import * as tf from '@tensorflow/tfjs-core';
import { IMAGE_PIXELS, type DigitSet } from '../data/index.js';
import { heldOutImages } from './evaluate.js';
import { exampleNoise } from './noise.js';
import { PROBABILITY_EPSILON, readAndDispose, type Vae } from './vae.js';

/** Most decodes in flight at once: [4096, 784] float32 is 13 MB a tensor, so memory stays bounded for any K. */
const DECODES_PER_CHUNK = 4096;

export interface ImportanceOptions {
  /** Samples per image, K ≥ 1. */
  samples: number;
  /** Keys the samples: sample k of image i is drawn from (seed, i, k) alone, so chunking never changes them. */
  seed: number;
  /** Measure on the test set's fixed binarisation (a model trained with `--binarize`). */
  binarized: boolean;
  /** Told the images finished so far and the total, after every chunk. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * −(importance-sampled lower bound on log p(x)) averaged over test images [start, end), in
 * nats per image. Images are taken in groups whose K samples each fit one chunk of decodes
 * (or one image at a time in chunks of samples when K is larger); an image's K log-weights
 * are combined with log-sum-exp in float64.
 */
export async function vaeImportanceBound(
  vae: Vae,
  test: DigitSet,
  options: ImportanceOptions,
  start = 0,
  end = test.count,
): Promise<number> {
  const { samples, seed, binarized } = options;
  if (!Number.isSafeInteger(samples) || samples < 1) throw new RangeError('samples must be a whole number ≥ 1');
  const group = Math.max(1, Math.floor(DECODES_PER_CHUNK / samples));
  const perChunk = Math.min(samples, DECODES_PER_CHUNK);
  const sampleIndices = Int32Array.from({ length: samples }, (_, k) => k);
  let total = 0;
  for (let first = start; first < end; first += group) {
    const indices = Int32Array.from({ length: Math.min(group, end - first) }, (_, i) => first + i);
    const x = heldOutImages(test, indices, binarized); // [images, 784]
    const [mu, logvar] = encode(vae, x); // [images, latent] each
    // The image's index stands in the epoch's place and the sample in the image's, so every
    // (seed, image, sample) has a key of its own.
    const noise = Array.from(indices, (image) => exampleNoise(seed, image, sampleIndices, vae.latentDim));
    const logWeights = Array.from(indices, () => new Float64Array(samples));
    for (let k0 = 0; k0 < samples; k0 += perChunk) {
      const count = Math.min(perChunk, samples - k0);
      const z = latentSamples(vae.latentDim, mu, logvar, noise, k0, count, logWeights);
      const likelihoods = await logLikelihoods(vae, x, z, count);
      logWeights.forEach((w, i) => {
        for (let k = 0; k < count; k++) w[k0 + k] += likelihoods[i * count + k];
      });
    }
    for (const w of logWeights) total += logMeanExp(w);
    options.onProgress?.(first + indices.length - start, end - start);
  }
  return -total / (end - start);
}

/** q(z|x)'s means and log-variances for images [n*784]. */
function encode(vae: Vae, x: Float32Array): [Float32Array, Float32Array] {
  const [mu, logvar] = tf.tidy(
    () => vae.encoder.apply(tf.tensor2d(x, [x.length / IMAGE_PIXELS, IMAGE_PIXELS])) as tf.Tensor2D[],
  );
  return [readAndDispose(mu), readAndDispose(logvar)];
}

/**
 * Samples [k0, k0 + count) of every image, z = mu + ε·σ, as [images * count * latent], and
 * each one's log p(z) − log q(z|x) written into `logWeights`.
 */
function latentSamples(
  latent: number,
  mu: Float32Array,
  logvar: Float32Array,
  noise: Float32Array[],
  k0: number,
  count: number,
  logWeights: Float64Array[],
): Float32Array {
  const z = new Float32Array(noise.length * count * latent);
  for (let i = 0; i < noise.length; i++) {
    for (let k = 0; k < count; k++) {
      let logRatio = 0;
      for (let j = 0; j < latent; j++) {
        const eps = noise[i][(k0 + k) * latent + j];
        const value = mu[i * latent + j] + eps * Math.exp(0.5 * logvar[i * latent + j]);
        z[(i * count + k) * latent + j] = value;
        // log N(z; 0, 1) − log N(z; mu, σ²): the 2π terms cancel and (z − mu)/σ is ε.
        logRatio += -0.5 * value * value + 0.5 * logvar[i * latent + j] + 0.5 * eps * eps;
      }
      logWeights[i][k0 + k] = logRatio;
    }
  }
  return z;
}

/**
 * log p(x_i | z) for the `count` latent points of each image i in `z`: the summed Bernoulli
 * log-probability of its pixels, with p clipped as in `vaeLoss` so that K = 1 is the ELBO's
 * own reconstruction term. [images * count], image after image.
 */
async function logLikelihoods(vae: Vae, x: Float32Array, z: Float32Array, count: number): Promise<Float32Array> {
  const images = x.length / IMAGE_PIXELS;
  const sums = tf.tidy(() => {
    const decoded = vae.decoder.apply(tf.tensor2d(z, [images * count, vae.latentDim])) as tf.Tensor2D;
    const p = tf.reshape(tf.clipByValue(decoded, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON), [
      images,
      count,
      IMAGE_PIXELS,
    ]);
    const logOn = tf.log(p);
    const logOff = tf.log(tf.sub(1, p));
    const pixels = tf.tensor3d(x, [images, IMAGE_PIXELS, 1]);
    // x·log p + (1 − x)·log(1 − p) = x·(log p − log(1 − p)) + Σ log(1 − p): one batched product.
    const onTerm = tf.reshape(tf.matMul(tf.sub(logOn, logOff) as tf.Tensor3D, pixels), [images, count]);
    return tf.add(onTerm, tf.sum(logOff, 2)); // [images, count]
  });
  const values = (await sums.data()) as Float32Array;
  sums.dispose();
  return values;
}

/** log((1/n) Σ exp(v_i)), shifted by the largest term so nothing overflows. */
export function logMeanExp(values: Float64Array): number {
  let max = -Infinity;
  for (const v of values) max = Math.max(max, v);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum / values.length);
}
