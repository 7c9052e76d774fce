/**
 * Where the Models view puts its insight panel under the models' summary:
 * the CNN's confusion matrix with its surest mistakes beside it, or the
 * VAE's test digits beside their reconstructions. The view leaves the
 * digits' boxes blank and the graphics layer draws them there.
 */
import type { Rect } from './rect.js';
import { THUMB_SCALE, TILE_GAP } from './gallery-layout.js';
import { IMAGE_SIDE } from '../../data/index.js';

/** Above the panel: a blank, the dataset, the backend, the models folder, the two models, a blank. */
const SUMMARY_ROWS = 7;
/** Below the panel: a blank and the keys. */
const FOOTER_ROWS = 2;
/** The panel's title line: the model, its loss sparkline, the key to switch. */
const TITLE_ROWS = 1;

/** The confusion matrix: a label column, ten counts, the digit's accuracy; a header row and ten digits. */
export const MATRIX_LABEL_WIDTH = 3;
export const MATRIX_CELL_WIDTH = 5;
export const MATRIX_ACCURACY_WIDTH = 7;
export const MATRIX_WIDTH = MATRIX_LABEL_WIDTH + 10 * MATRIX_CELL_WIDTH + MATRIX_ACCURACY_WIDTH;

/** Digits are drawn at half size, 14 columns by 7 rows, as in the New numbers gallery. */
const DIGIT_WIDTH = IMAGE_SIDE * THUMB_SCALE;
const DIGIT_HEIGHT = (IMAGE_SIDE / 2) * THUMB_SCALE;
/** The heading over the mistakes, and the VAE's split line with a blank under it. */
const MISTAKES_HEADING_ROWS = 1;
const SPLIT_ROWS = 2;
/** A caption line goes under each mistake and over each pair of digits. */
const CAPTION_ROWS = 1;
/** Columns between a test digit and its reconstruction, and between pairs. */
const PAIR_INNER_GAP = 1;
const PAIR_GAP = 3;
const PAIR_WIDTH = 2 * DIGIT_WIDTH + PAIR_INNER_GAP;

export interface ModelsLayout {
  /** The insight panel: its title line, then its content. */
  panel: Rect;
  /** The CNN's mistakes, surest first: each digit's box, its caption on the row under it. */
  mistakes: Rect[];
  /** The VAE's examples: each pair's caption row is the one above the digits. */
  pairs: { original: Rect; reconstruction: Rect }[];
}

/** Boxes of `width`×`height` across then down a block, `columns` by `rows`, `pitch` apart. */
function grid(
  first: { row: number; col: number },
  columns: number,
  rows: number,
  pitch: { across: number; down: number },
) {
  return Array.from({ length: Math.max(0, columns) * Math.max(0, rows) }, (_, i) => ({
    row: first.row + Math.floor(i / columns) * pitch.down,
    col: first.col + (i % columns) * pitch.across,
  }));
}

/** The Models view's parts inside `body`. */
export function modelsLayout(body: Rect): ModelsLayout {
  const panel = {
    row: body.row + SUMMARY_ROWS,
    col: body.col,
    width: body.width,
    height: Math.max(0, body.height - SUMMARY_ROWS - FOOTER_ROWS),
  };
  const contentTop = panel.row + TITLE_ROWS;
  const contentRows = panel.height - TITLE_ROWS;

  const mistakesCol = panel.col + MATRIX_WIDTH + TILE_GAP;
  const tileAcross = DIGIT_WIDTH + TILE_GAP;
  const tileDown = DIGIT_HEIGHT + CAPTION_ROWS;
  const mistakes = grid(
    { row: contentTop + MISTAKES_HEADING_ROWS, col: mistakesCol },
    Math.floor((panel.col + panel.width - mistakesCol + TILE_GAP) / tileAcross),
    Math.floor((contentRows - MISTAKES_HEADING_ROWS) / tileDown),
    { across: tileAcross, down: tileDown },
  ).map((at) => ({ ...at, width: DIGIT_WIDTH, height: DIGIT_HEIGHT }));

  const pairAcross = PAIR_WIDTH + PAIR_GAP;
  const pairs = grid(
    { row: contentTop + SPLIT_ROWS + CAPTION_ROWS, col: panel.col },
    Math.floor((panel.width + PAIR_GAP) / pairAcross),
    Math.floor((contentRows - SPLIT_ROWS) / tileDown),
    { across: pairAcross, down: tileDown },
  ).map((at) => ({
    original: { ...at, width: DIGIT_WIDTH, height: DIGIT_HEIGHT },
    reconstruction: { ...at, col: at.col + DIGIT_WIDTH + PAIR_INNER_GAP, width: DIGIT_WIDTH, height: DIGIT_HEIGHT },
  }));
  return { panel, mistakes, pairs };
}
