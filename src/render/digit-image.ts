/**
 * The picture every renderer in this folder draws, and the two small steps
 * they all share: nearest-neighbour upscaling and mapping a level to a byte.
 */

/** A greyscale digit, row-major, 1 = brightest ink. */
export interface DigitImage {
  width: number;
  height: number;
  /** [height * width], values in [0, 1]. */
  pixels: Float32Array;
}

/** Cells of a terminal are drawn from whole bytes; anything finer is lost anyway. */
const BYTE_MAX = 255;

/**
 * Enlarges `img` by an integer factor, each pixel becoming a `scale`×`scale` block.
 *
 * @throws {RangeError} when `scale` is not a positive integer, since a
 *   fractional factor would need resampling this view does not do.
 */
export function upscale(img: DigitImage, scale: number): DigitImage {
  if (!Number.isInteger(scale) || scale < 1) {
    throw new RangeError(`scale must be a positive integer, got ${scale}`);
  }
  if (scale === 1) return img;
  const width = img.width * scale;
  const height = img.height * scale;
  const pixels = new Float32Array(width * height); // [height, width]
  for (let y = 0; y < height; y++) {
    const srcRow = Math.floor(y / scale) * img.width;
    for (let x = 0; x < width; x++) {
      pixels[y * width + x] = img.pixels[srcRow + Math.floor(x / scale)]!;
    }
  }
  return { width, height, pixels };
}

/** Clamps a level into [0, 1]; NaN (a diverged decoder, say) is drawn as black rather than breaking the frame. */
export function clampLevel(level: number): number {
  if (!(level > 0)) return 0;
  return level > 1 ? 1 : level;
}

/** A level in [0, 1] as an 8-bit grey value. */
export function levelToByte(level: number): number {
  return Math.round(clampLevel(level) * BYTE_MAX);
}
