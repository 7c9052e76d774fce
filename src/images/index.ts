/**
 * Greyscale pictures composed for PNG and GIF files: a canvas to draw digits on, a
 * small bitmap font for captions, the captioned sheet of glyphs that `discover`
 * writes, and the captioned frames of a latent walk with their animated GIF.
 * No models and no terminal here.
 */
export { createCanvas, drawImage, type GrayCanvas } from './gray-canvas.js';
export { renderGlyphSheet, glyphSheetLayout, formatLatentPoint } from './glyph-sheet.js';
export { encodeGrayGif } from './animated-gif.js';
export { formatGuess, renderWalkFrame, walkFrameLayout } from './walk-frame.js';
