/**
 * Greyscale pictures composed for PNG files: a canvas to draw digits on, a
 * small bitmap font for captions, and the captioned sheet of glyphs that
 * `discover` writes. No models and no terminal here.
 */
export { createCanvas, drawImage, type GrayCanvas } from './gray-canvas.js';
export { renderGlyphSheet, glyphSheetLayout, formatLatentPoint } from './glyph-sheet.js';
