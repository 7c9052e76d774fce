/**
 * Colour rendering with Unicode upper half blocks: each character cell shows
 * two stacked pixels, the upper as the foreground of `▀` and the lower as its
 * background, so square pixels come out roughly square in a 1:2 cell.
 */
import { SGR_RESET } from './sgr.js';
import { levelToByte, upscale, type DigitImage } from './digit-image.js';

/** How many colours the terminal can show; see `colourDepth`. */
export type ColourDepth = 'truecolor' | '256';

export interface HalfBlockOptions {
  /** Escape-code flavour: 24-bit RGB, or the xterm 256-colour palette. */
  colour: ColourDepth;
  /** Integer nearest-neighbour enlargement; default 1. */
  scale?: number;
}

const UPPER_HALF_BLOCK = '▀';

/** xterm's 24-step grey ramp: index 232 + i is grey 8 + 10·i, so 8…238. */
const GRAY_RAMP_FIRST_INDEX = 232;
const GRAY_RAMP_STEPS = 24;
const GRAY_RAMP_FIRST_VALUE = 8;
const GRAY_RAMP_STEP = 10;
/** Pure black and white live in the 6×6×6 cube, outside the grey ramp. */
const CUBE_BLACK_INDEX = 16;
const CUBE_WHITE_INDEX = 231;

/**
 * The nearest xterm 256-palette entry for an 8-bit grey: the 232–255 ramp,
 * or cube black (16) / white (231) where those are closer, since the ramp
 * stops short of both ends.
 */
export function grayTo256(byte: number): number {
  const lastRampValue = GRAY_RAMP_FIRST_VALUE + GRAY_RAMP_STEP * (GRAY_RAMP_STEPS - 1);
  if (byte < GRAY_RAMP_FIRST_VALUE / 2) return CUBE_BLACK_INDEX;
  if (byte > (lastRampValue + 255) / 2) return CUBE_WHITE_INDEX;
  const step = Math.round((byte - GRAY_RAMP_FIRST_VALUE) / GRAY_RAMP_STEP);
  return GRAY_RAMP_FIRST_INDEX + Math.min(GRAY_RAMP_STEPS - 1, Math.max(0, step));
}

/** The SGR parameters that paint one cell: foreground = upper pixel, background = lower. */
function cellSgr(upper: number, lower: number, colour: ColourDepth): string {
  if (colour === 'truecolor') {
    return `38;2;${upper};${upper};${upper};48;2;${lower};${lower};${lower}`;
  }
  return `38;5;${grayTo256(upper)};48;5;${grayTo256(lower)}`;
}

/**
 * Renders `img` as lines of `▀` cells, ⌈height·scale / 2⌉ lines of
 * width·scale cells. A colour code is written only when it differs from the
 * cell before, to keep frames small; every line ends with a reset so colour
 * never bleeds into what follows. An odd last row is paired with black.
 */
export function renderHalfBlocks(img: DigitImage, opts: HalfBlockOptions): string[] {
  const { width, height, pixels } = upscale(img, opts.scale ?? 1);
  const lines: string[] = [];
  for (let y = 0; y < height; y += 2) {
    let line = '';
    let previous = '';
    for (let x = 0; x < width; x++) {
      const upper = levelToByte(pixels[y * width + x]!);
      const lower = y + 1 < height ? levelToByte(pixels[(y + 1) * width + x]!) : 0;
      const sgr = cellSgr(upper, lower, opts.colour);
      if (sgr !== previous) line += `\x1b[${sgr}m`;
      previous = sgr;
      line += UPPER_HALF_BLOCK;
    }
    lines.push(line + SGR_RESET);
  }
  return lines;
}
