import type { DigitSet } from './load-mnist.js';
import { IMAGE_PIXELS, MNIST_MEAN, MNIST_STD } from './mnist-format.js';

const BYTE_VALUES = 256;

// A 256-entry table turns each pixel into one load instead of a divide,
// and rounds exactly as computing the formula in doubles would.
function byteTable(toFloat: (byte: number) => number): Float32Array {
  const table = new Float32Array(BYTE_VALUES);
  for (let byte = 0; byte < BYTE_VALUES; byte++) table[byte] = toFloat(byte);
  return table;
}

const UNIT = byteTable((byte) => byte / 255);
const NORMALISED = byteTable((byte) => (byte / 255 - MNIST_MEAN) / MNIST_STD);

function mapRange(set: DigitSet, table: Float32Array, start: number, count: number): Float32Array {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > set.count) {
    throw new RangeError(`images ${start}..${start + count} are outside 0..${set.count}`);
  }
  const pixels = set.images.subarray(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = table[pixels[i]!]!;
  return out;
}

function outputFor(out: Float32Array | undefined, length: number): Float32Array {
  if (out === undefined) return new Float32Array(length);
  if (out.length < length) throw new RangeError(`output holds ${out.length} floats, ${length} needed`);
  return out.length === length ? out : out.subarray(0, length);
}

function checkIndex(set: DigitSet, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new RangeError(`image index ${index} is outside 0..${set.count - 1}`);
  }
}

function gatherMapped(
  set: DigitSet,
  table: Float32Array,
  indices: ArrayLike<number>,
  out: Float32Array | undefined,
): Float32Array {
  const target = outputFor(out, indices.length * IMAGE_PIXELS);
  for (let n = 0; n < indices.length; n++) {
    const index = indices[n]!;
    checkIndex(set, index);
    const source = index * IMAGE_PIXELS;
    const offset = n * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) target[offset + p] = table[set.images[source + p]!]!;
  }
  return target;
}

/**
 * Images `start .. start+count` as `(x/255 - MNIST_MEAN) / MNIST_STD`, the classifier's input.
 *
 * @returns [count * 784] floats, a fresh array
 * @throws {RangeError} when the range leaves the set
 */
export function normalisedView(set: DigitSet, start = 0, count = set.count - start): Float32Array {
  return mapRange(set, NORMALISED, start, count);
}

/**
 * Pixels in [0, 1] (a decoded or drawn digit) scaled as in {@link normalisedView}, the classifier's input.
 *
 * @returns a fresh array of the same length
 */
export function normaliseUnit(pixels: Float32Array): Float32Array {
  return pixels.map((p) => (p - MNIST_MEAN) / MNIST_STD);
}

/**
 * Images `start .. start+count` as `x/255` in [0, 1], the VAE's input and target.
 *
 * @returns [count * 784] floats, a fresh array
 * @throws {RangeError} when the range leaves the set
 */
export function unitView(set: DigitSet, start = 0, count = set.count - start): Float32Array {
  return mapRange(set, UNIT, start, count);
}

/**
 * The images at `indices`, normalised as in {@link normalisedView}, for one batch.
 *
 * @param out reused between batches to spare allocations; when longer than
 *   needed (a last, partial batch) a view of its head is returned
 * @returns [indices.length * 784] floats
 * @throws {RangeError} on an index outside the set or an `out` too short
 */
export function gatherNormalised(set: DigitSet, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  return gatherMapped(set, NORMALISED, indices, out);
}

/**
 * The images at `indices`, scaled to [0, 1] as in {@link unitView}, for one batch.
 *
 * @param out as for {@link gatherNormalised}
 * @returns [indices.length * 784] floats
 * @throws {RangeError} on an index outside the set or an `out` too short
 */
export function gatherUnit(set: DigitSet, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  return gatherMapped(set, UNIT, indices, out);
}

/**
 * The digits at `indices`, as the int32 class ids a one-hot encoder expects.
 *
 * @returns [indices.length] labels 0–9
 * @throws {RangeError} on an index outside the set
 */
export function gatherLabels(set: DigitSet, indices: ArrayLike<number>): Int32Array {
  const labels = new Int32Array(indices.length);
  for (let n = 0; n < indices.length; n++) {
    const index = indices[n]!;
    checkIndex(set, index);
    labels[n] = set.labels[index]!;
  }
  return labels;
}
