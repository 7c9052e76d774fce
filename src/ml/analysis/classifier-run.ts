/**
 * The classifier's insight over a whole test set, classified batch by batch
 * so the caller can report progress and let other work in between.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { IMAGE_SIDE, NUM_CLASSES, normalisedView, type DigitSet } from '../../data/index.js';
import { analyseClassifier, type ClassifierInsight } from './classifier-insight.js';

/**
 * Images classified between reports: small, since the app runs this on its UI thread and
 * keys wait for the slice in hand (BENCHMARKS.md).
 */
const CLASSIFY_SLICE = 50;

/** Called after each batch with the images done of the total; awaited, and a callback that throws stops the work. */
export type SliceReport = (done: number, total: number) => void | Promise<void>;

/**
 * A tensor's values, then the tensor freed. Awaited, so `eval --details` can run on a GPU
 * backend, which cannot read synchronously under Node.
 */
export async function readAwaited(tensor: tf.Tensor): Promise<Float32Array> {
  try {
    return (await tensor.data()) as Float32Array;
  } finally {
    tensor.dispose();
  }
}

/** `analyseClassifier` over `test`, keeping the `top` surest wrong answers. */
export async function classifierInsight(
  model: tfl.LayersModel,
  test: DigitSet,
  options: { top: number; onSlice: SliceReport },
): Promise<ClassifierInsight> {
  const probabilities = new Float32Array(test.count * NUM_CLASSES); // [count, 10]
  for (let start = 0; start < test.count; start += CLASSIFY_SLICE) {
    const size = Math.min(CLASSIFY_SLICE, test.count - start);
    const softmax = tf.tidy(() => {
      const x = tf.tensor4d(normalisedView(test, start, size), [size, IMAGE_SIDE, IMAGE_SIDE, 1]); // [size, 28, 28, 1]
      return tf.softmax(model.apply(x) as tf.Tensor2D); // [size, 10]
    });
    probabilities.set(await readAwaited(softmax), start * NUM_CLASSES);
    await options.onSlice(start + size, test.count);
  }
  return analyseClassifier(probabilities, test, options.top);
}
