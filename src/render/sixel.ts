/**
 * Real pixels for terminals that speak DEC sixel graphics, encoded with the
 * `sixel` package against a small grey palette.
 */
import { FINALIZER, introducer, sixelEncode, toRGBA8888, type RGBColor } from 'sixel';
import { clampLevel, upscale, type DigitImage } from './digit-image.js';

/** Grey levels in the palette; 16 fits even a VT340's colour registers and is plenty for MNIST. */
export const SIXEL_GRAY_LEVELS = 16;

/** Sixel colour registers are given in percent. */
const PERCENT_MAX = 100;
const BYTE_MAX = 255;

/**
 * The palette's grey bytes. Each is chosen from a whole percentage, because
 * that is how the register is written on the wire: byte → percent → byte then
 * comes back exactly, so a terminal shows the grey we meant.
 */
function paletteBytes(): number[] {
  return Array.from({ length: SIXEL_GRAY_LEVELS }, (_, i) => {
    const percent = Math.round((i * PERCENT_MAX) / (SIXEL_GRAY_LEVELS - 1));
    return Math.round((percent * BYTE_MAX) / PERCENT_MAX);
  });
}

/**
 * Encodes `img`, enlarged by the integer `scale`, as a complete sixel escape
 * sequence (DCS introducer, raster attributes, palette, bands, ST).
 *
 * Pixels are snapped to the palette here rather than left to the encoder:
 * its own colour matching treats an off-palette colour as transparent.
 */
export function encodeSixel(img: DigitImage, scale: number): string {
  const { width, height, pixels } = upscale(img, scale);
  const bytes = paletteBytes();
  const palette: RGBColor[] = bytes.map((b) => [b, b, b]);
  const rgba = new Uint8Array(width * height * 4); // [height, width, RGBA]
  // The encoder reads the buffer as 32-bit words, so write words in its own byte order.
  const words = new Uint32Array(rgba.buffer);
  for (let i = 0; i < width * height; i++) {
    const b = bytes[Math.round(clampLevel(pixels[i]!) * (SIXEL_GRAY_LEVELS - 1))]!;
    words[i] = toRGBA8888(b, b, b);
  }
  return introducer(0) + sixelEncode(rgba, width, height, palette) + FINALIZER;
}
