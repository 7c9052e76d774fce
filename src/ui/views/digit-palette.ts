/**
 * One colour per digit for the latent map, far apart in hue so neighbouring
 * clusters stay distinguishable, with the nearest xterm-256 entry of each.
 */
import type { ColourDepth } from '../../render/index.js';

/** A colour as red, green and blue in 0–255. */
export type Rgb = readonly [number, number, number];

const RGB: Rgb[] = [
  [230, 25, 75],
  [245, 130, 48],
  [255, 225, 25],
  [60, 180, 75],
  [70, 240, 240],
  [0, 130, 200],
  [145, 30, 180],
  [240, 50, 230],
  [170, 255, 195],
  [250, 190, 212],
];
const XTERM_256 = [197, 208, 220, 71, 87, 32, 92, 201, 158, 218];

/** Where no test image falls: dark enough to read as background, light enough to show the map's extent. */
const EMPTY_RGB: Rgb = [38, 38, 38];
const EMPTY_256 = 235;

/** `digit`'s colour, or the empty colour for -1. */
export function digitRgb(digit: number): Rgb {
  return digit < 0 ? EMPTY_RGB : RGB[digit]!;
}

/** SGR parameters for `digit`'s colour (or the empty colour for -1) as foreground or background. */
export function digitColour(digit: number, depth: ColourDepth, ground: 'fg' | 'bg'): string {
  const base = ground === 'fg' ? 38 : 48;
  if (depth === 'truecolor') {
    const [r, g, b] = digitRgb(digit);
    return `${base};2;${r};${g};${b}`;
  }
  return `${base};5;${digit < 0 ? EMPTY_256 : XTERM_256[digit]}`;
}

/** `digit` as a coloured character, for legends. */
export function colouredDigit(digit: number, depth: ColourDepth): string {
  return `\x1b[${digitColour(digit, depth, 'fg')}m${digit}\x1b[39m`;
}
