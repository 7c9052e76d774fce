/**
 * Black or white against a colour: the map's cursor and marks take whichever
 * stands out more from the cells they sit on, so they are found at once on
 * every cluster and band colour, bright or dark.
 */
import type { ColourDepth } from '../../render/index.js';
import type { Rgb } from './digit-palette.js';

/** Brightness in [0, 1]: Rec. 709's weights on the 0–255 values, enough to choose black or white. */
export function brightness([r, g, b]: Rgb): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** Black on bright colours, white on dark ones; `rgbs` are the colours under the mark (both halves of a cell). */
export function contrasting(rgbs: Rgb[]): 'black' | 'white' {
  const mean = rgbs.reduce((sum, rgb) => sum + brightness(rgb), 0) / rgbs.length;
  return mean >= 0.5 ? 'black' : 'white';
}

/** SGR parameters for black or white as foreground or background. */
export function blackOrWhite(which: 'black' | 'white', depth: ColourDepth, ground: 'fg' | 'bg'): string {
  const base = ground === 'fg' ? 38 : 48;
  if (depth === 'truecolor') return which === 'black' ? `${base};2;0;0;0` : `${base};2;255;255;255`;
  return `${base};5;${which === 'black' ? 16 : 231}`;
}
