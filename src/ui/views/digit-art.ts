/**
 * A 28×28 digit as lines of text in a footprint of 28·scale columns by
 * 14·scale rows (scale 0.5, 1 or 2), whatever the mode, so layouts need not
 * care which is used.
 * Sixel images are drawn beside Ink (see `GraphicsOverlay`); here they only
 * leave their footprint blank.
 */
import { renderAscii, renderHalfBlocks, type ColourDepth, type DigitImage } from '../../render/index.js';
import type { GraphicsMode } from '../../render/index.js';
import { IMAGE_SIDE } from '../../data/index.js';

/** Plain characters take two columns per pixel, so at scale 1 the digit is halved to fit its footprint. */
function halve(img: DigitImage): DigitImage {
  const width = img.width / 2;
  const height = img.height / 2;
  const pixels = new Float32Array(width * height); // [14, 14]
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (dy: number, dx: number) => img.pixels[(2 * y + dy) * img.width + 2 * x + dx]!;
      pixels[y * width + x] = (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4;
    }
  }
  return { width, height, pixels };
}

/** `pixels` [784] drawn in `mode` at `scale` (0.5, 1 or 2); below 1 the image is halved to fit. */
export function digitLines(pixels: Float32Array, mode: GraphicsMode, depth: ColourDepth, scale: number): string[] {
  const img: DigitImage = { width: IMAGE_SIDE, height: IMAGE_SIDE, pixels };
  switch (mode) {
    case 'sixel':
      return Array.from({ length: (IMAGE_SIDE / 2) * scale }, () => ' '.repeat(IMAGE_SIDE * scale));
    case 'blocks':
      return scale >= 1
        ? renderHalfBlocks(img, { colour: depth, scale })
        : renderHalfBlocks(halve(img), { colour: depth });
    case 'ascii':
      return scale >= 2 ? renderAscii(img) : renderAscii(scale >= 1 ? halve(img) : halve(halve(img)));
  }
}
