import gifenc from 'gifenc';
import type { GrayCanvas } from './gray-canvas.js';

/** Grey levels a GIF's one colour table can hold: every 8-bit level, so nothing is dithered or merged. */
const LEVELS = 256;

/** Black to white, one entry per 8-bit level, so a pixel's index is its level. */
const GREY_RAMP: number[][] = Array.from({ length: LEVELS }, (_, level) => [level, level, level]);

/** GIF stores delays in hundredths of a second. */
const DELAY_UNIT_MS = 10;

/** How an animated GIF plays. */
export interface GifTiming {
  /** Milliseconds each frame shows; rounded to the GIF's hundredths of a second. */
  delayMs: number;
}

/**
 * Encodes greyscale frames of one size as an animated GIF that loops forever.
 * A pixel becomes level `round(value * 255)`, as `encodeGrayPng` writes it, so a
 * frame decodes to the same bytes as a PNG of the same picture.
 *
 * @throws {RangeError} when there are no frames or they differ in size
 */
export function encodeGrayGif(frames: Iterable<GrayCanvas>, { delayMs }: GifTiming): Uint8Array {
  const gif = gifenc.GIFEncoder();
  const delay = Math.round(delayMs / DELAY_UNIT_MS) * DELAY_UNIT_MS;
  let size: { width: number; height: number } | undefined;
  for (const frame of frames) {
    // The first frame's table is the global one; later frames given a table would each carry a copy.
    const first = size === undefined;
    size ??= { width: frame.width, height: frame.height };
    if (frame.width !== size.width || frame.height !== size.height) {
      throw new RangeError(
        `GIF frames differ in size: ${frame.width}×${frame.height}, not ${size.width}×${size.height}`,
      );
    }
    const index = new Uint8Array(frame.pixels.length); // [height * width] palette indices
    for (let i = 0; i < index.length; i++) index[i] = Math.round(Math.min(1, Math.max(0, frame.pixels[i]!)) * 255);
    gif.writeFrame(index, frame.width, frame.height, { ...(first ? { palette: GREY_RAMP } : {}), delay, repeat: 0 });
  }
  if (size === undefined) throw new RangeError('a GIF needs at least one frame');
  gif.finish();
  return gif.bytes();
}
