/**
 * The part of the VAE's latent plane the explorer shows, and how it maps to
 * terminal cells. The prior is a standard normal, so ±4 holds nearly every
 * encoded image; y grows upwards, as on a plot.
 */
import type { Display, LatentPoint } from '../state/index.js';

/** The map spans [-LATENT_EXTENT, LATENT_EXTENT] on both axes. */
export const LATENT_EXTENT = 4;

/** A grid laid over the plane: `columns` × `rows` equal cells. */
export interface Grid {
  columns: number;
  rows: number;
}

function clamp(value: number): number {
  return Math.min(LATENT_EXTENT, Math.max(-LATENT_EXTENT, value));
}

/**
 * The grid a map `width` × `height` cells is coloured on: two spots per cell
 * (the halves of a half block) where the terminal has colour, else one.
 */
export function mapGrid(map: { width: number; height: number }, display: Pick<Display, 'colour'>): Grid {
  return { columns: map.width, rows: display.colour ? map.height * 2 : map.height };
}

/** `z` pulled inside the map. */
export function clampPoint(z: LatentPoint): LatentPoint {
  return [clamp(z[0]), clamp(z[1])];
}

/** The cell holding `z`, or `undefined` when `z` lies off the map. */
export function cellOf(z: LatentPoint, grid: Grid): { col: number; row: number } | undefined {
  if (Math.abs(z[0]) > LATENT_EXTENT || Math.abs(z[1]) > LATENT_EXTENT) return undefined;
  const span = 2 * LATENT_EXTENT;
  const col = Math.floor(((z[0] + LATENT_EXTENT) / span) * grid.columns);
  const row = Math.floor(((LATENT_EXTENT - z[1]) / span) * grid.rows);
  // The right and bottom edges belong to the last cell.
  return { col: Math.min(col, grid.columns - 1), row: Math.min(row, grid.rows - 1) };
}

/** The centre of cell (`col`, `row`). */
export function pointAt(col: number, row: number, grid: Grid): LatentPoint {
  const span = 2 * LATENT_EXTENT;
  return [((col + 0.5) / grid.columns) * span - LATENT_EXTENT, LATENT_EXTENT - ((row + 0.5) / grid.rows) * span];
}
