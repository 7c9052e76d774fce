/**
 * The latent plane as text: every test image lands at its encoding, and
 * each spot takes the colour of the digit most images there show. Colour
 * terminals get two spots per cell (half blocks); plain ones one digit
 * character per cell.
 */
import { NUM_CLASSES } from '../../data/index.js';
import { SGR_RESET } from '../../render/index.js';
import type { Display, LatentPoint } from '../state/index.js';
import { cellOf, type Grid } from '../layout/index.js';
import { digitColour } from './digit-palette.js';

/** Encoded test images: `points` [n*2] and `labels` [n], of which the first `count` are ready. */
export interface MapPoints {
  points: Float32Array;
  labels: Uint8Array;
  count: number;
}

export interface LatentMapOptions {
  width: number;
  height: number;
  data: MapPoints | undefined;
  cursor?: LatentPoint;
  /** Another point to mark, such as the encoding of a drawn digit. */
  marker?: LatentPoint;
  display: Display;
}

const EMPTY = -1;
const UPPER_HALF = '▀';
const CURSOR_GLYPH = '╋';
const MARKER_GLYPH = '◆';
const ASCII_EMPTY = '.';
const ASCII_CURSOR = '+';
const ASCII_MARKER = '*';
const BRIGHT_FG = '38;5;231';

/**
 * Grids already tallied, per points array (the state never changes one in
 * place): a cursor move redraws the map without tallying 10,000 points again.
 */
const tallied = new WeakMap<Float32Array, Map<string, Int8Array>>();

/** The most frequent label per spot of a `columns` × `rows` grid, or EMPTY; ties go to the smaller digit. */
function majorityGrid(data: MapPoints | undefined, grid: Grid): Int8Array {
  if (data === undefined) return new Int8Array(grid.columns * grid.rows).fill(EMPTY);
  const key = `${grid.columns}x${grid.rows}:${data.count}`;
  const cache = tallied.get(data.points) ?? new Map<string, Int8Array>();
  tallied.set(data.points, cache);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const spots = tally(data, grid);
  cache.set(key, spots);
  return spots;
}

function tally(data: MapPoints, grid: Grid): Int8Array {
  const out = new Int8Array(grid.columns * grid.rows).fill(EMPTY);
  const tallies = new Uint16Array(grid.columns * grid.rows * NUM_CLASSES);
  for (let i = 0; i < data.count; i++) {
    const cell = cellOf([data.points[2 * i]!, data.points[2 * i + 1]!], grid);
    if (cell !== undefined) tallies[(cell.row * grid.columns + cell.col) * NUM_CLASSES + data.labels[i]!]! += 1;
  }
  for (let spot = 0; spot < out.length; spot++) {
    let best = EMPTY;
    let most = 0;
    for (let d = 0; d < NUM_CLASSES; d++) {
      const n = tallies[spot * NUM_CLASSES + d]!;
      if (n > most) {
        most = n;
        best = d;
      }
    }
    out[spot] = best;
  }
  return out;
}

function plainLines(options: LatentMapOptions, cursorCell?: number, markerCell?: number): string[] {
  const { width, height } = options;
  const spots = majorityGrid(options.data, { columns: width, rows: height });
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    let line = '';
    for (let col = 0; col < width; col++) {
      const cell = row * width + col;
      const digit = spots[cell]!;
      if (cell === cursorCell) line += ASCII_CURSOR;
      else if (cell === markerCell) line += ASCII_MARKER;
      else line += digit === EMPTY ? ASCII_EMPTY : String(digit);
    }
    lines.push(line);
  }
  return lines;
}

function blockLines(options: LatentMapOptions, cursorCell?: number, markerCell?: number): string[] {
  const { width, height } = options;
  const { depth } = options.display;
  const spots = majorityGrid(options.data, { columns: width, rows: height * 2 });
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    let line = '';
    let previous = '';
    for (let col = 0; col < width; col++) {
      const cell = row * width + col;
      const upper = spots[2 * row * width + col]!;
      const lower = spots[(2 * row + 1) * width + col]!;
      const mark = cell === cursorCell ? CURSOR_GLYPH : cell === markerCell ? MARKER_GLYPH : undefined;
      const sgr =
        mark === undefined
          ? `${digitColour(upper, depth, 'fg')};${digitColour(lower, depth, 'bg')}`
          : `${BRIGHT_FG};${digitColour(lower === EMPTY ? upper : lower, depth, 'bg')}`;
      if (sgr !== previous) line += `\x1b[${sgr}m`;
      previous = sgr;
      line += mark ?? UPPER_HALF;
    }
    lines.push(line + SGR_RESET);
  }
  return lines;
}

/** `height` lines of `width` cells showing the plane from -LATENT_EXTENT to +LATENT_EXTENT on both axes. */
export function renderLatentMap(options: LatentMapOptions): string[] {
  const grid = { columns: options.width, rows: options.height };
  const index = (z: LatentPoint | undefined) => {
    const cell = z && cellOf(z, grid);
    return cell && cell.row * grid.columns + cell.col;
  };
  const cursor = index(options.cursor);
  const marker = index(options.marker);
  return options.display.colour ? blockLines(options, cursor, marker) : plainLines(options, cursor, marker);
}
