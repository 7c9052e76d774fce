/**
 * The latent plane as text: every test image lands at its encoding, and
 * each spot takes the colour of the digit most images there show; or, as the
 * certainty map, the colour of how sure the CNN is of the glyph decoded
 * there. Colour terminals get two spots per cell (half blocks); plain ones
 * one character per cell.
 */
import { NUM_CLASSES } from '../../data/index.js';
import { SGR_RESET, type ColourDepth } from '../../render/index.js';
import type { CertaintyMap, Display, LatentPoint } from '../state/index.js';
import { cellOf, type Grid } from '../layout/index.js';
import { certaintyBand, certaintyChar, certaintyColour, certaintyRgb } from './certainty-palette.js';
import { blackOrWhite, contrasting } from './contrast.js';
import { digitColour, digitRgb, type Rgb } from './digit-palette.js';

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
  /** Colour the map by how sure the CNN is instead of by digit: this map, on the map's grid (`mapGrid`). */
  certainty?: CertaintyMap;
  cursor?: LatentPoint;
  /** Another point to mark, such as the encoding of a drawn digit. */
  marker?: LatentPoint;
  /** Points marked with the new-number glyph. */
  marks?: readonly LatentPoint[];
  display: Display;
}

const EMPTY = -1;
const UPPER_HALF = '▀';
const CURSOR_GLYPH = '╋';
const MARKER_GLYPH = '◆';
const ASCII_EMPTY = '.';
/** Where a certainty map has no value yet, in plain characters. */
const ASCII_UNKNOWN = ' ';
const ASCII_CURSOR = '+';
const ASCII_MARKER = '*';

/** What the map is coloured by: each spot is an index into one of these, or EMPTY. */
interface Palette {
  colour(index: number, depth: ColourDepth, ground: 'fg' | 'bg'): string;
  rgb(index: number): Rgb;
  char(index: number): string;
}

const DIGITS: Palette = {
  colour: digitColour,
  rgb: digitRgb,
  char: (digit) => (digit === EMPTY ? ASCII_EMPTY : String(digit)),
};

const CERTAINTY: Palette = {
  colour: (band, depth, ground) =>
    band === EMPTY ? digitColour(EMPTY, depth, ground) : certaintyColour(band, depth, ground),
  rgb: (band) => (band === EMPTY ? digitRgb(EMPTY) : certaintyRgb(band)),
  char: (band) => (band === EMPTY ? ASCII_UNKNOWN : certaintyChar(band)),
};

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

/** The certainty band of each spot of `grid`; all EMPTY when `map` was computed for another grid. */
function bandGrid(map: CertaintyMap, grid: Grid): Int8Array {
  const out = new Int8Array(grid.columns * grid.rows).fill(EMPTY);
  if (map.columns !== grid.columns || map.rows !== grid.rows) return out;
  for (let spot = 0; spot < out.length; spot++) out[spot] = certaintyBand(map.values[spot]!);
  return out;
}

/** The palette and the spot colours of `grid`. */
function spotsOf(options: LatentMapOptions, grid: Grid): { palette: Palette; spots: Int8Array } {
  if (options.certainty !== undefined) return { palette: CERTAINTY, spots: bandGrid(options.certainty, grid) };
  return { palette: DIGITS, spots: majorityGrid(options.data, grid) };
}

/** What marks a cell, if anything: the cursor wins over a marker (the drawing's encoding, a new number). */
type Marks = (cell: number) => 'cursor' | 'marker' | undefined;

function plainLines(options: LatentMapOptions, markOf: Marks): string[] {
  const { width, height } = options;
  const { palette, spots } = spotsOf(options, { columns: width, rows: height });
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    let line = '';
    for (let col = 0; col < width; col++) {
      const cell = row * width + col;
      const mark = markOf(cell);
      line += mark === 'cursor' ? ASCII_CURSOR : mark === 'marker' ? ASCII_MARKER : palette.char(spots[cell]!);
    }
    lines.push(line);
  }
  return lines;
}

/**
 * The colours of a marked cell of spots `upper` and `lower`: the cursor fills
 * its cell with black or white, whichever stands out from both spots it
 * covers, and draws its glyph in the other; a marker keeps one spot's colour
 * as its background, under a glyph in black or white against it.
 */
function markSgr(
  mark: 'cursor' | 'marker',
  upper: number,
  lower: number,
  palette: Palette,
  depth: ColourDepth,
): string {
  if (mark === 'marker') {
    const spot = lower === EMPTY ? upper : lower;
    return `${blackOrWhite(contrasting([palette.rgb(spot)]), depth, 'fg')};${palette.colour(spot, depth, 'bg')}`;
  }
  const paper = contrasting([palette.rgb(upper), palette.rgb(lower)]);
  const ink = paper === 'black' ? 'white' : 'black';
  return `${blackOrWhite(ink, depth, 'fg')};${blackOrWhite(paper, depth, 'bg')}`;
}

function blockLines(options: LatentMapOptions, markOf: Marks): string[] {
  const { width, height } = options;
  const { depth } = options.display;
  const { palette, spots } = spotsOf(options, { columns: width, rows: height * 2 });
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    let line = '';
    let previous = '';
    for (let col = 0; col < width; col++) {
      const cell = row * width + col;
      const upper = spots[2 * row * width + col]!;
      const lower = spots[(2 * row + 1) * width + col]!;
      const mark = markOf(cell);
      const sgr =
        mark === undefined
          ? `${palette.colour(upper, depth, 'fg')};${palette.colour(lower, depth, 'bg')}`
          : markSgr(mark, upper, lower, palette, depth);
      if (sgr !== previous) line += `\x1b[${sgr}m`;
      previous = sgr;
      line += mark === 'cursor' ? CURSOR_GLYPH : mark === 'marker' ? MARKER_GLYPH : UPPER_HALF;
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
  const marked = new Set<number>();
  for (const z of [options.marker, ...(options.marks ?? [])]) {
    const cell = index(z);
    if (cell !== undefined) marked.add(cell);
  }
  const markOf: Marks = (cell) => (cell === cursor ? 'cursor' : marked.has(cell) ? 'marker' : undefined);
  return options.display.colour ? blockLines(options, markOf) : plainLines(options, markOf);
}
