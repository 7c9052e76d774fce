import { fillRect, type GrayCanvas } from './gray-canvas.js';

/** Font pixels per glyph, across and down. */
const GLYPH_WIDTH = 3;
const GLYPH_HEIGHT = 5;

/** Blank font pixels between neighbouring characters. */
const LETTER_SPACING = 1;

/**
 * A 3×5 font holding just what the captions need: digits, sign, decimal point,
 * comma and parentheses for a latent point, space and per cent for a guess
 * such as "7 (93%)". `#` is ink.
 */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '..#', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '-': ['...', '...', '###', '...', '...'],
  '.': ['...', '...', '...', '...', '.#.'],
  ',': ['...', '...', '...', '.#.', '#..'],
  '(': ['.#.', '#..', '#..', '#..', '.#.'],
  ')': ['.#.', '..#', '..#', '..#', '.#.'],
  ' ': ['...', '...', '...', '...', '...'],
  '%': ['#..', '..#', '.#.', '#..', '..#'],
};

/** Canvas pixels that `text` spans across at `scale` canvas pixels per font pixel. */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + LETTER_SPACING) - LETTER_SPACING) * scale;
}

/** Canvas pixels that a line of text spans down at `scale`. */
export function textHeight(scale: number): number {
  return GLYPH_HEIGHT * scale;
}

/**
 * Draws `text` with its top-left corner at (x, y) in ink of `level`.
 *
 * @throws {RangeError} on a character the font lacks, so a caption can never silently lose a sign
 */
export function drawText(canvas: GrayCanvas, text: string, x: number, y: number, scale: number, level: number): void {
  [...text].forEach((char, index) => {
    const rows = GLYPHS[char];
    if (rows === undefined) throw new RangeError(`the caption font has no "${char}"`);
    const left = x + index * (GLYPH_WIDTH + LETTER_SPACING) * scale;
    rows.forEach((row, r) => {
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if (row[c] === '#') fillRect(canvas, left + c * scale, y + r * scale, scale, scale, level);
      }
    });
  });
}
