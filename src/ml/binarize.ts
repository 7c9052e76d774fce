/**
 * Dynamic binarisation: the VAE trained on black-and-white digits, each pixel drawn afresh as
 * Bernoulli(grey / 255) whenever an image is seen. This is the data the literature's MNIST
 * likelihoods are measured on. Each draw is a hash of (seed, epoch, image, pixel), as the
 * reparameterisation noise is (noise.ts), so an image is binarised alike in every shard,
 * worker and backend, and anew each epoch.
 */
import { IMAGE_PIXELS, type DigitSet } from '../data/index.js';
import { exampleKeys, GOLDEN, scramble, TWO_32 } from './noise.js';

/**
 * The key binarising held-out images (test or validation) for evaluation: one fixed draw, the
 * same for every model and run, so figures compare. Training epochs count from 1, so epoch 0
 * is never a training draw.
 */
const EVALUATION_KEY = { seed: 0, epoch: 0 };

/** Pixel values are bytes: a draw u in [0, 1) turns white where u·255 < grey. */
const GREY_LEVELS = 255;

/**
 * The images at `indices` of `set` binarised for `epoch` of a run seeded `seed`:
 * [indices.length * 784] of 0 and 1, row-major, where pixel j of row r is 1 with probability
 * grey / 255 and depends only on (seed, epoch, indices[r], j).
 */
export function gatherBinarized(set: DigitSet, indices: Int32Array, seed: number, epoch: number): Float32Array {
  const out = new Float32Array(indices.length * IMAGE_PIXELS);
  const keys = exampleKeys(seed, epoch, indices);
  for (let r = 0; r < indices.length; r++) {
    const index = indices[r];
    if (!(index >= 0 && index < set.count)) throw new RangeError(`image ${index} is outside the set of ${set.count}`);
    // The same image key as the reparameterisation noise, whose ε takes draws 1 and 2 of it (2-D
    // latent): pixels 0 and 1 share those draws. They are the top-left corner, black in every
    // MNIST training image, so the draw never decides them there; a salted key would break that tie
    // on other data, but would also change every draw of the models reported in BENCHMARKS.md.
    const example = keys[r];
    const grey = set.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
    for (let j = 0; j < IMAGE_PIXELS; j++) {
      const u = scramble((example + Math.imul(j + 1, GOLDEN)) >>> 0) / TWO_32;
      out[r * IMAGE_PIXELS + j] = u * GREY_LEVELS < grey[j] ? 1 : 0;
    }
  }
  return out;
}

/** Held-out images at `indices` under the one fixed binarisation every evaluation uses. */
export function gatherBinarizedForEvaluation(set: DigitSet, indices: Int32Array): Float32Array {
  return gatherBinarized(set, indices, EVALUATION_KEY.seed, EVALUATION_KEY.epoch);
}
