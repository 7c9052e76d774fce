/**
 * The fallback renderer for terminals that cannot or must not show colour
 * (`TERM=dumb`, `NO_COLOR`): brightness as characters, no escape codes.
 */
import { clampLevel, upscale, type DigitImage } from './digit-image.js';

/** From empty to full ink, in rising visual density. */
const SHADES = ' .:-=+*#%@';

/** A cell is about twice as tall as wide, so each pixel takes two columns to look square. */
const COLUMNS_PER_PIXEL = 2;

/** Renders `img` as plain text, one line per pixel row, two columns per pixel. */
export function renderAscii(img: DigitImage, scale = 1): string[] {
  const { width, height, pixels } = upscale(img, scale);
  const lines: string[] = [];
  for (let y = 0; y < height; y++) {
    let line = '';
    for (let x = 0; x < width; x++) {
      const shade = SHADES[Math.round(clampLevel(pixels[y * width + x]!) * (SHADES.length - 1))]!;
      line += shade.repeat(COLUMNS_PER_PIXEL);
    }
    lines.push(line);
  }
  return lines;
}
