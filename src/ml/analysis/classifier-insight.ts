/**
 * What a classifier gets right and wrong on a labelled set, from its class
 * probabilities: the confusion matrix, each digit's accuracy, and the wrong
 * answers it was surest of. Plain arithmetic on typed arrays.
 */
import { NUM_CLASSES, unitView, type DigitSet } from '../../data/index.js';

/** A test digit the classifier named wrongly. */
export interface WrongDigit {
  /** Index in the test set. */
  index: number;
  label: number;
  predicted: number;
  /** The probability given to `predicted`, in [0, 1]. */
  confidence: number;
  /** [784] the image, pixels in [0, 1]. */
  pixels: Float32Array;
}

export interface ClassifierInsight {
  /** Images judged. */
  count: number;
  /** Share of them named right, in [0, 1]. */
  accuracy: number;
  /** [10 * 10] row = true digit, column = predicted digit: how many images. */
  confusion: Uint32Array;
  /** [10] accuracy per true digit, NaN for a digit the set does not hold. */
  classAccuracy: Float64Array;
  /** The wrong answers given with the highest probability, surest first. */
  confidentlyWrong: WrongDigit[];
}

/** The index of the largest of `values[start .. start+length)`, the first on ties. */
function argMax(values: Float32Array, start: number, length: number): number {
  let best = 0;
  for (let k = 1; k < length; k++) if (values[start + k]! > values[start + best]!) best = k;
  return best;
}

/**
 * The insight for `probabilities` [test.count * 10] given to the images of
 * `test`, keeping the `top` surest wrong answers (ties go to the earlier image).
 */
export function analyseClassifier(probabilities: Float32Array, test: DigitSet, top: number): ClassifierInsight {
  if (probabilities.length !== test.count * NUM_CLASSES) {
    throw new RangeError(`${probabilities.length} probabilities for ${test.count} images`);
  }
  const confusion = new Uint32Array(NUM_CLASSES * NUM_CLASSES);
  const wrong: Omit<WrongDigit, 'pixels'>[] = [];
  let correct = 0;
  for (let n = 0; n < test.count; n++) {
    const label = test.labels[n]!;
    const predicted = argMax(probabilities, n * NUM_CLASSES, NUM_CLASSES);
    confusion[label * NUM_CLASSES + predicted]! += 1;
    if (predicted === label) correct += 1;
    else wrong.push({ index: n, label, predicted, confidence: probabilities[n * NUM_CLASSES + predicted]! });
  }
  const classAccuracy = new Float64Array(NUM_CLASSES);
  for (let d = 0; d < NUM_CLASSES; d++) {
    let total = 0;
    for (let p = 0; p < NUM_CLASSES; p++) total += confusion[d * NUM_CLASSES + p]!;
    classAccuracy[d] = total === 0 ? Number.NaN : confusion[d * NUM_CLASSES + d]! / total;
  }
  // A stable sort, so equal confidences keep test-set order and the list repeats.
  const surest = wrong.sort((a, b) => b.confidence - a.confidence).slice(0, top);
  return {
    count: test.count,
    accuracy: test.count === 0 ? Number.NaN : correct / test.count,
    confusion,
    classAccuracy,
    confidentlyWrong: surest.map((w) => ({ ...w, pixels: unitView(test, w.index, 1) })),
  };
}
