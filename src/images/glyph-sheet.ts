import { IMAGE_SIDE } from '../data/index.js';
import { drawText, textHeight, textWidth } from './bitmap-font.js';
import { createCanvas, drawImage, type GrayCanvas } from './gray-canvas.js';

/** Each digit pixel becomes a block this wide, so a glyph can be seen without zooming. */
const GLYPH_SCALE = 4;

/** Canvas pixels per font pixel in captions; 1 when a caption would not fit under its glyph. */
const CAPTION_SCALE = 2;

/** Space around and between cells, and between a glyph and its caption. */
const GUTTER = 8;
const CAPTION_GAP = 6;

/** Mid-dark grey, so the black field of each glyph stands out from the sheet. */
const SHEET_BACKGROUND = 0.2;
const CAPTION_INK = 1;

const GLYPH_PIXELS = IMAGE_SIDE * GLYPH_SCALE;
const CELL_WIDTH = GLYPH_PIXELS;
const CELL_HEIGHT = GLYPH_PIXELS + CAPTION_GAP + textHeight(CAPTION_SCALE);

/** One glyph of the sheet and the line under it. */
export interface SheetGlyph {
  /** [784] pixels in [0, 1]. */
  pixels: Float32Array;
  /** Drawn with the caption font: digits, '-', '.', ',', '(' and ')'. */
  caption: string;
}

/** The sheet's grid and pixel size for `count` glyphs: as square as the count allows. */
export function glyphSheetLayout(count: number): { columns: number; rows: number; width: number; height: number } {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a sheet needs at least one glyph, got ${count}`);
  const columns = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  return {
    columns,
    rows,
    width: columns * CELL_WIDTH + (columns + 1) * GUTTER,
    height: rows * CELL_HEIGHT + (rows + 1) * GUTTER,
  };
}

/** Glyphs upscaled in a grid, left to right then down, each captioned underneath. */
export function renderGlyphSheet(glyphs: readonly SheetGlyph[]): GrayCanvas {
  const { columns, width, height } = glyphSheetLayout(glyphs.length);
  const canvas = createCanvas(width, height, SHEET_BACKGROUND);
  glyphs.forEach(({ pixels, caption }, index) => {
    const left = GUTTER + (index % columns) * (CELL_WIDTH + GUTTER);
    const top = GUTTER + Math.floor(index / columns) * (CELL_HEIGHT + GUTTER);
    drawImage(canvas, pixels, IMAGE_SIDE, left, top, GLYPH_SCALE);
    const scale = textWidth(caption, CAPTION_SCALE) <= CELL_WIDTH ? CAPTION_SCALE : 1;
    const captionLeft = left + Math.floor((CELL_WIDTH - textWidth(caption, scale)) / 2);
    drawText(canvas, caption, captionLeft, top + GLYPH_PIXELS + CAPTION_GAP, scale, CAPTION_INK);
  });
  return canvas;
}

/** "(x,y)" to two decimals, as the caption font can draw it; a value that rounds to zero loses its sign. */
export function formatLatentPoint([x, y]: readonly [number, number]): string {
  const fixed = (v: number) => (Math.abs(v) < 0.005 ? 0 : v).toFixed(2);
  return `(${fixed(x)},${fixed(y)})`;
}
