/**
 * How an image a user gives becomes the CNN's 28×28 input. A 28×28 image, or
 * one scaled up by a whole factor (each pixel an N×N block, as
 * `generate --scale N` writes), is in MNIST's frame already and is fed as it
 * is, so a glyph our own tools drew gets the answer the CNN gave it when it
 * was drawn. Any other image is re-framed the way MNIST was made. An image
 * without ink, or too small to hold a digit, is refused.
 */
import { IMAGE_SIDE } from './mnist-format.js';
import { ImageError, INK_THRESHOLD, toMnistDigit, type GrayImage } from './png-digit.js';

/** Smaller than this on a side, an image cannot hold a digit anyone could read. */
export const MIN_IMAGE_SIDE = 8;

/** Which way an image was turned into the CNN's input. */
export type Framing = 'as-is' | 'mnist';

/** The CNN's input for one image, and how it was made. */
export interface DigitInput {
  /** [28 * 28] bytes, 255 = ink. */
  pixels: Uint8Array;
  /** `as-is`: already 28×28 (after undoing `scale`), fed unchanged; `mnist`: cropped, scaled to 20 px and centred by mass. */
  framing: Framing;
  /** Side of the blocks each MNIST pixel was drawn as; 1 for a plain 28×28 or a re-framed image. */
  scale: number;
}

/**
 * The CNN's input for `image` (bright ink on dark, as `decodePngToGray` gives).
 *
 * @throws {ImageError} when the image is smaller than {@link MIN_IMAGE_SIDE} on a side or holds no ink
 */
export function toDigitInput(image: GrayImage, fileName: string): DigitInput {
  const { width, height, gray } = image;
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
    throw new ImageError(
      `${fileName}: ${width}×${height} is too small to hold a digit (at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE})`,
    );
  }
  // Without this, a blank page is re-framed into an empty frame and still named a digit.
  if (!gray.some((v) => v > INK_THRESHOLD)) {
    throw new ImageError(`${fileName}: no ink: the image is blank, so there is no digit to classify`);
  }
  const scale = blockScale(image);
  if (scale !== undefined) return { pixels: downscale(image, scale), framing: 'as-is', scale };
  return { pixels: toMnistDigit(gray, width, height), framing: 'mnist', scale: 1 };
}

/** N when the image is 28N×28N and every N×N block is one level, else undefined. */
function blockScale({ width, height, gray }: GrayImage): number | undefined {
  const scale = width / IMAGE_SIDE;
  if (width !== height || !Number.isInteger(scale)) return undefined;
  for (let y = 0; y < height; y++) {
    const blockTop = (y - (y % scale)) * width;
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x] !== gray[blockTop + x - (x % scale)]) return undefined;
    }
  }
  return scale;
}

/** One pixel of each `scale`×`scale` block, as 0–255 bytes. */
function downscale({ width, gray }: GrayImage, scale: number): Uint8Array {
  const out = new Uint8Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      out[y * IMAGE_SIDE + x] = Math.round(Math.min(1, Math.max(0, gray[y * scale * width + x * scale]!)) * 255);
    }
  }
  return out;
}
