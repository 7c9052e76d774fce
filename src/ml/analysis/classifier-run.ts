/**
 * The classifier's insight over a whole test set, classified batch by batch
 * so the caller can report progress and let other work in between.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { NUM_CLASSES, normalisedView, type DigitSet } from '../../data/index.js';
import { classifyImages } from '../evaluate.js';
import { analyseClassifier, type ClassifierInsight } from './classifier-insight.js';

/**
 * Images classified between reports: small, since the app runs this on its UI thread and
 * keys wait for the slice in hand (BENCHMARKS.md).
 */
const CLASSIFY_SLICE = 50;

/** Called after each batch with the images done of the total; awaited, and a callback that throws stops the work. */
export type SliceReport = (done: number, total: number) => void | Promise<void>;

/** `analyseClassifier` over `test`, keeping the `top` surest wrong answers. */
export async function classifierInsight(
  model: tfl.LayersModel,
  test: DigitSet,
  options: { top: number; onSlice: SliceReport },
): Promise<ClassifierInsight> {
  const probabilities = new Float32Array(test.count * NUM_CLASSES); // [count, 10]
  for (let start = 0; start < test.count; start += CLASSIFY_SLICE) {
    const size = Math.min(CLASSIFY_SLICE, test.count - start);
    probabilities.set(classifyImages(model, normalisedView(test, start, size)), start * NUM_CLASSES);
    await options.onSlice(start + size, test.count);
  }
  return analyseClassifier(probabilities, test, options.top);
}
