/**
 * How well the VAE reconstructs the test set: its −ELBO split into the
 * reconstruction term (summed binary cross-entropy) and the KL term, and a
 * few test digits beside what the VAE makes of them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { IMAGE_PIXELS, NUM_CLASSES, unitView, type DigitSet } from '../../data/index.js';
import { EVAL_BATCH, evaluationNoise, heldOutImages } from '../evaluate.js';
import { decodePoints, encodeImages, vaeLossParts, type Vae } from '../vae.js';
import { readAwaited, type SliceReport } from './classifier-run.js';

/**
 * Images judged between reports: small, since the app runs this on its UI thread and keys
 * wait for the slice in hand (BENCHMARKS.md).
 */
const VAE_SLICE = 100;

/** A test digit and the VAE's reconstruction of it. */
export interface Reconstruction {
  label: number;
  /** [784] the test image, pixels in [0, 1]. */
  original: Float32Array;
  /** [784] decoded from the image's latent mean. */
  reconstruction: Float32Array;
}

export interface VaeInsight {
  /** Images judged. */
  count: number;
  /** Mean summed binary cross-entropy per image, in nats. */
  reconstructionNats: number;
  /** Mean KL(q(z|x) ‖ N(0, I)) per image, in nats. */
  klNats: number;
  /** The first test image of each digit in turn, up to the number asked for. */
  examples: Reconstruction[];
}

/** The first image of each digit 0, 1, 2, … in turn, `count` of them at most; digits the set lacks are skipped. */
export function exampleIndices(labels: Uint8Array, count: number): number[] {
  const picked: number[] = [];
  for (let digit = 0; digit < NUM_CLASSES && picked.length < count; digit++) {
    const index = labels.indexOf(digit);
    if (index >= 0) picked.push(index);
  }
  return picked;
}

/**
 * The VAE's insight over `test`, with the single-sample noise of the saved test metric
 * (seeded by `seed` and the 500-image batch), so the two terms add up to it.
 * `onSlice` is awaited after each slice with the images done; a callback that throws stops it.
 * The examples' reconstructions are read synchronously, so with `examples` 0 it runs on any backend.
 */
export async function vaeInsight(
  vae: Vae,
  test: DigitSet,
  options: { seed: number; examples: number; onSlice: SliceReport; binarized?: boolean },
): Promise<VaeInsight> {
  let reconstruction = 0;
  let kl = 0;
  for (let first = 0; first < test.count; first += EVAL_BATCH) {
    const batchSize = Math.min(EVAL_BATCH, test.count - first);
    // The noise of a whole evaluation batch, as `eval` draws it, then used a slice at a time.
    const noise = await readAwaited(evaluationNoise(options.seed, first, batchSize, vae.latentDim)); // [batchSize * latent]
    for (let start = first; start < first + batchSize; start += VAE_SLICE) {
      const size = Math.min(VAE_SLICE, first + batchSize - start);
      const indices = Int32Array.from({ length: size }, (_, i) => start + i);
      const offset = (start - first) * vae.latentDim;
      const sums = tf.tidy(() => {
        // A model trained on binarised digits is measured on the same fixed binarisation as `eval`.
        const x = tf.tensor2d(heldOutImages(test, indices, options.binarized === true), [size, IMAGE_PIXELS]); // [size, 784]
        const eps = tf.tensor2d(noise.subarray(offset, offset + size * vae.latentDim), [size, vae.latentDim]);
        const [bce, klTerm] = vaeLossParts(vae, x, eps); // [size] each
        return tf.stack([tf.sum(bce), tf.sum(klTerm)]); // [2]
      });
      const [bceSum, klSum] = await readAwaited(sums);
      reconstruction += bceSum!;
      kl += klSum!;
      await options.onSlice(start + size, test.count);
    }
  }
  const examples = exampleIndices(test.labels.subarray(0, test.count), options.examples).map((index) => {
    const original = unitView(test, index, 1);
    return {
      label: test.labels[index]!,
      original,
      reconstruction: decodePoints(vae, encodeImages(vae, original)),
    };
  });
  const perImage = (sum: number) => (test.count === 0 ? Number.NaN : sum / test.count);
  return { count: test.count, reconstructionNats: perImage(reconstruction), klNats: perImage(kl), examples };
}
