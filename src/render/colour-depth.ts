/**
 * How many colours to draw with. Terminals announce 24-bit colour only
 * through `COLORTERM`; everything else in use today manages the 256 palette.
 */
import type { ColourDepth } from './half-blocks.js';

/** `truecolor` when `COLORTERM` is `truecolor` or `24bit`, else `256`. */
export function colourDepth(env: Readonly<Record<string, string | undefined>>): ColourDepth {
  const colorterm = env.COLORTERM?.toLowerCase();
  return colorterm === 'truecolor' || colorterm === '24bit' ? 'truecolor' : '256';
}
