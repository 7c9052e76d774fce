/**
 * Random shifts of the classifier's training images. MNIST's digits sit centred in a 20×20
 * box of a 28×28 frame, so a convolutional net sees each in nearly one place; moving every
 * training image by a few pixels each epoch shows it the same digit elsewhere, which the test
 * set's off-centre digits reward. Each shift is keyed by (seed, epoch, training index), as the
 * VAE's noise is, so any worker count and any split of a batch into shards shift alike.
 */
import { gatherNormalised, IMAGE_SIDE, IMAGE_PIXELS, MNIST_MEAN, MNIST_STD, type DigitSet } from '../data/index.js';
import { exampleKeys } from './noise.js';

/** A blank pixel (byte 0) in the classifier's normalised space: what a shift moves into the frame. */
export const NORMALISED_BACKGROUND = (0 - MNIST_MEAN) / MNIST_STD;

/**
 * The shift of each training image at `indices` in `epoch`: [indices.length, 2] as (down,
 * right) pairs, each uniform over −maxShift … maxShift and fixed by (seed, epoch, index).
 */
export function exampleShifts(seed: number, epoch: number, indices: ArrayLike<number>, maxShift: number): Int8Array {
  const span = 2 * maxShift + 1;
  const keys = exampleKeys(seed, epoch, indices);
  const shifts = new Int8Array(indices.length * 2);
  for (let r = 0; r < indices.length; r++) {
    // The key's low and high parts: 2^32 is so much larger than span² that the bias is < 1e-8.
    shifts[r * 2] = (keys[r] % span) - maxShift;
    shifts[r * 2 + 1] = (Math.floor(keys[r] / span) % span) - maxShift;
  }
  return shifts;
}

/**
 * Moves each 28×28 image in `images` by its (down, right) pair in `shifts`, in place: pixel
 * (y, x) takes the value that was at (y − down, x − right), and pixels whose source lies outside
 * the frame become `background`.
 *
 * @param images [n, 28, 28] row-major
 * @param shifts [n, 2], as {@link exampleShifts} returns
 */
export function shiftImages(images: Float32Array, shifts: Int8Array, background: number): void {
  const source = new Float32Array(IMAGE_PIXELS);
  for (let n = 0; n < shifts.length / 2; n++) {
    const down = shifts[n * 2];
    const right = shifts[n * 2 + 1];
    if (down === 0 && right === 0) continue;
    const image = images.subarray(n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS);
    source.set(image);
    image.fill(background);
    // Columns x in [x0, x1) read source columns x − right, all inside the frame.
    const x0 = Math.max(0, right);
    const x1 = Math.min(IMAGE_SIDE, IMAGE_SIDE + right);
    for (let y = Math.max(0, down); y < Math.min(IMAGE_SIDE, IMAGE_SIDE + down); y++) {
      const from = (y - down) * IMAGE_SIDE - right;
      image.set(source.subarray(from + x0, from + x1), y * IMAGE_SIDE + x0);
    }
  }
}

/**
 * The classifier's normalised input for the training images at `indices` in `epoch`, each
 * shifted by up to `maxShift` pixels along each axis (see {@link exampleShifts}); with
 * `maxShift` 0, the images as they are.
 *
 * @returns [indices.length, 28, 28, 1] floats
 */
export function gatherShifted(
  set: DigitSet,
  indices: ArrayLike<number>,
  seed: number,
  epoch: number,
  maxShift: number,
): Float32Array {
  const images = gatherNormalised(set, indices);
  if (maxShift > 0) shiftImages(images, exampleShifts(seed, epoch, indices, maxShift), NORMALISED_BACKGROUND);
  return images;
}
