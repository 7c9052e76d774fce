/**
 * How sure the CNN is across the VAE's latent plane: the glyph decoded at the
 * centre of each cell of a grid, classified, and the cell given the CNN's top
 * probability. Low values mark where the decoder draws something the CNN
 * cannot name, where new numbers live. The work goes a slice at a time, so a
 * caller on a UI thread can let input through between slices. Plain typed
 * arrays and the models' functions only: no TensorFlow.js is loaded here.
 */
import { NUM_CLASSES } from '../../data/index.js';

/** A `columns` × `rows` grid over [-extent, extent] on both axes, row 0 at the top (y grows upwards). */
export interface CertaintyGrid {
  columns: number;
  rows: number;
  extent: number;
}

/** The two models as functions on typed arrays. */
export interface GlyphModels {
  /** Images [n * 784] in [0, 1] for latent points [n * 2]. */
  decode(points: Float32Array): Float32Array;
  /** Class probabilities [n * 10] of images [n * 784]. */
  classify(pixels: Float32Array): Float32Array;
}

/** The latent points [n * 2] at the centres of cells `start` to `end` - 1, row-major from the top left. */
export function cellCentres(grid: CertaintyGrid, start: number, end: number): Float32Array {
  const { columns, rows, extent } = grid;
  const span = 2 * extent;
  const points = new Float32Array((end - start) * 2); // [n, 2]
  for (let cell = start; cell < end; cell++) {
    const col = cell % columns;
    const row = Math.floor(cell / columns);
    points[2 * (cell - start)] = ((col + 0.5) / columns) * span - extent;
    points[2 * (cell - start) + 1] = extent - ((row + 0.5) / rows) * span;
  }
  return points;
}

/** The largest of each image's ten probabilities [n * 10], as [n]. */
export function topProbabilities(probabilities: Float32Array): Float32Array {
  const count = probabilities.length / NUM_CLASSES;
  const top = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    let best = probabilities[n * NUM_CLASSES]!;
    for (let d = 1; d < NUM_CLASSES; d++) best = Math.max(best, probabilities[n * NUM_CLASSES + d]!);
    top[n] = best;
  }
  return top;
}

/**
 * Fills `values` [columns * rows] with the CNN's top probability at each
 * cell, from `start`, `size` cells per call of the generator's `next`,
 * yielding the number of cells done so far. `size` may change between
 * slices: pass a new one to `next`.
 */
export function* certaintySlices(
  grid: CertaintyGrid,
  models: GlyphModels,
  values: Float32Array,
  size: number,
): Generator<number, number, number | undefined> {
  const total = grid.columns * grid.rows;
  let done = 0;
  while (done < total) {
    const end = Math.min(total, done + Math.max(1, Math.floor(size)));
    const glyphs = models.decode(cellCentres(grid, done, end)); // [n, 784]
    values.set(topProbabilities(models.classify(glyphs)), done);
    done = end;
    size = (yield done) ?? size;
  }
  return done;
}
