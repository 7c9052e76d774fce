/**
 * Where each part of the screen goes, for a terminal size. Views size
 * themselves from it, and mouse hits and sixel images are placed with the
 * same numbers, so what is drawn and what is clicked always agree.
 */
import { VIEWS, type Size, type ViewName } from '../state/index.js';
import { galleryLayout, type GalleryLayout } from './gallery-layout.js';
import { modelsLayout, type ModelsLayout } from './models-layout.js';
import type { Rect } from './rect.js';
import { IMAGE_SIDE } from '../../data/index.js';

/** Below this the app only says the window is too small. */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 20;

export interface Layout {
  tooSmall: boolean;
  /** Lines Ink draws: one short of the screen, since a frame that fills it makes Ink clear the screen each time. */
  frameRows: number;
  /** Between the tab bar and the status bar. */
  body: Rect;
  tabs: { view: ViewName; label: string; rect: Rect }[];
  models: ModelsLayout;
  explore: {
    map: Rect;
    /** Enlargement of the 28×28 digit: it takes 28·scale columns and 14·scale rows. */
    digitScale: number;
    digit: Rect;
    /** The column where the panel beside the map starts, and its width. */
    panel: Rect;
    /** Under the digit and its lines: where the CNN's ten probabilities go (perhaps no rows). */
    bars: Rect;
  };
  draw: {
    canvasScale: number;
    canvas: Rect;
    panel: Rect;
    map: Rect;
  };
  numbers: GalleryLayout;
}

export const TAB_TITLES: Record<ViewName, string> = {
  models: 'Models',
  train: 'Train',
  explore: 'Explore',
  draw: 'Draw',
  numbers: 'New numbers',
};
/** Shorter titles for where the full ones do not fit on one line (below 68 columns). */
const SHORT_TAB_TITLES: Partial<Record<ViewName, string>> = { numbers: 'New' };
export const APP_TITLE = 'mnist-tui';
/** Columns between side-by-side parts. */
export const GAP = 2;
/** Lines of text under the digit in the explorer: coordinates and the CNN's guess. */
const DIGIT_TEXT_ROWS = 2;
/** Lines of text above the mini map in the Draw view. */
const DRAW_TEXT_ROWS = 4;
/** A map narrower than this is not worth drawing the digit large for. */
const MIN_MAP_COLUMNS = 30;
const LARGEST_SCALE = 2;

/** Footprint of a digit or canvas at `scale`: two pixel rows per cell row. */
function footprint(scale: number): { width: number; height: number } {
  return { width: IMAGE_SIDE * scale, height: (IMAGE_SIDE / 2) * scale };
}

/** The largest scale whose footprint, plus `textRows` below it, fits beside a usable map. */
function fittingScale(size: Size, bodyHeight: number, textRows: number): number {
  for (let scale = LARGEST_SCALE; scale > 1; scale--) {
    const { width, height } = footprint(scale);
    if (height + textRows <= bodyHeight - 1 && width + GAP + MIN_MAP_COLUMNS <= size.columns) return scale;
  }
  return 1;
}

/** Cells of a square map, two columns per row because cells are twice as tall as wide. */
function squareMap(row: number, col: number, maxRows: number, maxColumns: number): Rect {
  const height = Math.max(1, Math.min(maxRows, Math.floor(maxColumns / 2)));
  return { row, col, width: height * 2, height };
}

/** Each label is drawn in brackets or spaces, so the positions never depend on the active tab. */
function tabWidth(label: string): number {
  return label.length + 2;
}

function tabRects(columns: number): Layout['tabs'] {
  const labels = (short: boolean) =>
    VIEWS.map((view, index) => `${index + 1} ${(short && SHORT_TAB_TITLES[view]) || TAB_TITLES[view]}`);
  const full = labels(false);
  const fullWidth = APP_TITLE.length + GAP + full.reduce((sum, label) => sum + tabWidth(label) + 1, -1);
  const chosen = fullWidth <= columns ? full : labels(true);
  let col = APP_TITLE.length + GAP;
  return VIEWS.map((view, index) => {
    const label = chosen[index]!;
    const rect = { row: 0, col, width: tabWidth(label), height: 1 };
    col += rect.width + 1;
    return { view, label, rect };
  });
}

/** The layout for a terminal of `size`. */
export function computeLayout(size: Size): Layout {
  const frameRows = Math.max(1, size.rows - 1);
  const body: Rect = { row: 1, col: 0, width: size.columns, height: Math.max(0, frameRows - 2) };
  const contentTop = body.row + 1;

  // The explorer's panel starts level with the map's title, so the digit and its two lines fit even at the minimum size.
  const digitScale = fittingScale(size, body.height + 1, DIGIT_TEXT_ROWS);
  const digitSize = footprint(digitScale);
  const exploreMap = squareMap(contentTop, 0, body.height - 2, size.columns - GAP - digitSize.width);
  const explorePanel = {
    row: body.row,
    col: exploreMap.width + GAP,
    width: size.columns - exploreMap.width - GAP,
    height: body.height,
  };

  const canvasScale = fittingScale(size, body.height, 0);
  const canvasSize = footprint(canvasScale);
  const drawPanel = {
    row: contentTop,
    col: canvasSize.width + GAP,
    width: size.columns - canvasSize.width - GAP,
    height: body.height - 1,
  };
  const drawMap = squareMap(
    contentTop + DRAW_TEXT_ROWS,
    drawPanel.col,
    body.height - 1 - DRAW_TEXT_ROWS,
    drawPanel.width,
  );

  return {
    tooSmall: size.columns < MIN_COLUMNS || size.rows < MIN_ROWS,
    frameRows,
    body,
    tabs: tabRects(size.columns),
    models: modelsLayout(body),
    explore: {
      map: exploreMap,
      digitScale,
      digit: { row: body.row, col: explorePanel.col, ...digitSize },
      panel: explorePanel,
      bars: {
        row: body.row + digitSize.height + DIGIT_TEXT_ROWS,
        col: explorePanel.col,
        width: explorePanel.width,
        height: Math.max(0, body.height - digitSize.height - DIGIT_TEXT_ROWS),
      },
    },
    draw: {
      canvasScale,
      canvas: { row: contentTop, col: 0, ...canvasSize },
      panel: drawPanel,
      map: drawMap,
    },
    numbers: galleryLayout(body),
  };
}
