/**
 * The certainty map's colour scale: the CNN's top probability in five bands,
 * bright and warm where it is unsure (where new numbers are found, below
 * 50%), dark and cool where it is sure, so the eye goes to the doubtful
 * places first. Each band has its xterm-256 colour and a character for
 * terminals without colour.
 */
import type { ColourDepth } from '../../render/index.js';
import type { Rgb } from './digit-palette.js';

/** Lower bounds of the bands above the first: below 0.5 is band 0, from 0.99 up band 4. */
const BAND_FLOORS = [0.5, 0.7, 0.9, 0.99];
const RGB: Rgb[] = [
  [240, 60, 40],
  [235, 200, 60],
  [60, 160, 170],
  [40, 80, 160],
  [20, 30, 80],
];
const XTERM_256 = [202, 221, 73, 25, 17];
/** Plain characters, densest where the CNN is least sure. */
const CHARS = ['#', '=', '-', ':', '.'];
/** How each band is named in the legend. */
const LABELS = ['<50', '<70', '<90', '<99', '99+%'];

/** The band of a top probability; -1 (nothing to draw) for NaN, a cell not computed yet. */
export function certaintyBand(probability: number): number {
  if (Number.isNaN(probability)) return -1;
  let band = 0;
  while (band < BAND_FLOORS.length && probability >= BAND_FLOORS[band]!) band++;
  return band;
}

/** The colour of band `band` (0–4). */
export function certaintyRgb(band: number): Rgb {
  return RGB[band]!;
}

/** SGR parameters for band `band`'s colour as foreground or background. */
export function certaintyColour(band: number, depth: ColourDepth, ground: 'fg' | 'bg'): string {
  const base = ground === 'fg' ? 38 : 48;
  if (depth === 'truecolor') return `${base};2;${RGB[band]!.join(';')}`;
  return `${base};5;${XTERM_256[band]}`;
}

/** The plain character of band `band`. */
export function certaintyChar(band: number): string {
  return CHARS[band]!;
}

/** The legend's scale: each band's colour (or character) with its range, least sure first. */
export function certaintyScale(colour: boolean, depth: ColourDepth): string {
  return LABELS.map((label, band) =>
    colour ? `\x1b[${certaintyColour(band, depth, 'fg')}m█\x1b[39m${label}` : `${CHARS[band]}${label}`,
  ).join(' ');
}

/** Number of bands. */
export const CERTAINTY_BANDS = RGB.length;
