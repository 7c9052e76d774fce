/**
 * Where the New numbers gallery puts its tiles: a half-size digit with a
 * caption under it, as many across and down as the body holds, one page at
 * a time. The view, its pictures and mouse clicks all place tiles with these
 * numbers.
 */
import type { Rect } from './rect.js';
import { IMAGE_SIDE } from '../../data/index.js';

/** Thumbnails are the digit at half size, 14 columns by 7 rows, so a page holds ten or more at 80×24. */
export const THUMB_SCALE = 0.5;
const THUMB_WIDTH = IMAGE_SIDE * THUMB_SCALE;
const THUMB_HEIGHT = (IMAGE_SIDE / 2) * THUMB_SCALE;
/** The caption line under each thumbnail. */
const CAPTION_ROWS = 1;
/** Columns between tiles. */
export const TILE_GAP = 2;
/** The scan's progress or result, above the tiles. */
const HEADER_ROWS = 1;
/** The selected glyph and the keys (or the name being typed), kept free below the tiles. */
const DETAIL_ROWS = 2;

export interface GalleryLayout {
  /** The first tile's top-left cell, and the block all tiles of a page fill. */
  tiles: Rect;
  /** Tiles across and down a page; at least one of each. */
  columns: number;
  rows: number;
}

/** One tile: its thumbnail and its caption. */
export interface Tile {
  thumb: Rect;
  caption: Rect;
}

const TILE_WIDTH = THUMB_WIDTH + TILE_GAP;
const TILE_HEIGHT = THUMB_HEIGHT + CAPTION_ROWS;

/** The gallery inside `body`. */
export function galleryLayout(body: Rect): GalleryLayout {
  const columns = Math.max(1, Math.floor((body.width + TILE_GAP) / TILE_WIDTH));
  const rows = Math.max(1, Math.floor((body.height - HEADER_ROWS - DETAIL_ROWS) / TILE_HEIGHT));
  const tiles = {
    row: body.row + HEADER_ROWS,
    col: body.col,
    width: columns * TILE_WIDTH - TILE_GAP,
    height: rows * TILE_HEIGHT,
  };
  return { tiles, columns, rows };
}

/** The tile at `slot` of the page, counting across then down. */
export function tileAt(layout: GalleryLayout, slot: number): Tile {
  const row = layout.tiles.row + Math.floor(slot / layout.columns) * TILE_HEIGHT;
  const col = layout.tiles.col + (slot % layout.columns) * TILE_WIDTH;
  return {
    thumb: { row, col, width: THUMB_WIDTH, height: THUMB_HEIGHT },
    caption: { row: row + THUMB_HEIGHT, col, width: THUMB_WIDTH, height: CAPTION_ROWS },
  };
}

/** Tiles on one page. */
export function pageSize(layout: GalleryLayout): number {
  return layout.columns * layout.rows;
}

/** The index of the first item on the page that shows item `selected`. */
export function pageStart(layout: GalleryLayout, selected: number): number {
  return Math.floor(selected / pageSize(layout)) * pageSize(layout);
}

/** The page slot whose tile holds cell (`x`, `y`), or `undefined` between and beyond tiles. */
export function slotAt(layout: GalleryLayout, x: number, y: number): number | undefined {
  const dx = x - layout.tiles.col;
  const dy = y - layout.tiles.row;
  if (dx < 0 || dy < 0 || dx >= layout.tiles.width || dy >= layout.tiles.height) return undefined;
  if (dx % TILE_WIDTH >= THUMB_WIDTH) return undefined;
  return Math.floor(dy / TILE_HEIGHT) * layout.columns + Math.floor(dx / TILE_WIDTH);
}
