/**
 * Screen geometry for a terminal size: where each view's parts go, the New
 * numbers gallery's tiles, the Models view's insight panel, and how the latent plane maps to cells. Views
 * draw, and mouse reports are hit-tested, with these same numbers.
 */
export type { Rect } from './rect.js';
export { computeLayout, APP_TITLE, GAP, MIN_COLUMNS, MIN_ROWS, type Layout } from './layout.js';
export { pageStart, pageSize, slotAt, tileAt, THUMB_SCALE, TILE_GAP, type GalleryLayout } from './gallery-layout.js';
export {
  MATRIX_ACCURACY_WIDTH,
  MATRIX_CELL_WIDTH,
  MATRIX_LABEL_WIDTH,
  MATRIX_WIDTH,
  type ModelsLayout,
} from './models-layout.js';
export { cellOf, clampPoint, mapGrid, pointAt, LATENT_EXTENT, type Grid } from './latent.js';
