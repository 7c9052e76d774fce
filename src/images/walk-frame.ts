import { IMAGE_SIDE } from '../data/index.js';
import { drawText, textHeight, textWidth } from './bitmap-font.js';
import { createCanvas, drawImage, type GrayCanvas } from './gray-canvas.js';

/** The widest caption a frame can carry, so every frame of a walk has one size. */
const WIDEST_CAPTION = '0 (100%)';

const CAPTION_INK = 1;

/** Where a walk frame's parts go, in canvas pixels. */
export interface WalkFrameLayout {
  width: number;
  height: number;
  /** The digit's top-left corner; it spans `IMAGE_SIDE * scale` each way. */
  digitLeft: number;
  digitTop: number;
  /** The top of the caption line under the digit. */
  captionTop: number;
  /** Canvas pixels per font pixel in the caption. */
  captionScale: number;
}

/**
 * The frame for a digit drawn at `scale` (each digit pixel a scale×scale block) with its
 * caption under it. The caption's font is half the digit's scale, rounded up; where even
 * that is wider than the digit (scale 1), the frame widens and the digit is centred.
 */
export function walkFrameLayout(scale: number): WalkFrameLayout {
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`scale must be a positive integer, got ${scale}`);
  const captionScale = Math.ceil(scale / 2);
  const gap = 2 * captionScale;
  const digitSide = IMAGE_SIDE * scale;
  const width = Math.max(digitSide, textWidth(WIDEST_CAPTION, captionScale) + 2 * gap);
  const captionTop = digitSide + gap;
  return {
    width,
    height: captionTop + textHeight(captionScale) + gap,
    digitLeft: Math.floor((width - digitSide) / 2),
    digitTop: 0,
    captionTop,
    captionScale,
  };
}

/** "7 (93%)": the CNN's digit and its probability in whole per cent. */
export function formatGuess(digit: number, probability: number): string {
  return `${digit} (${Math.round(probability * 100)}%)`;
}

/**
 * One frame of a latent walk: the decoded digit on black, upscaled without smoothing,
 * and `caption` centred under it in white.
 *
 * @param pixels [784] values in [0, 1]
 */
export function renderWalkFrame(pixels: Float32Array, caption: string, scale: number): GrayCanvas {
  const layout = walkFrameLayout(scale);
  const canvas = createCanvas(layout.width, layout.height);
  drawImage(canvas, pixels, IMAGE_SIDE, layout.digitLeft, layout.digitTop, scale);
  const left = Math.floor((layout.width - textWidth(caption, layout.captionScale)) / 2);
  drawText(canvas, caption, left, layout.captionTop, layout.captionScale, CAPTION_INK);
  return canvas;
}
