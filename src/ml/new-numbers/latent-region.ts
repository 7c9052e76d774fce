import { quantile } from './quantile.js';

/** An axis-aligned rectangle of the 2-D latent plane. */
export interface LatentBox {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Latent coordinates per point. */
const LATENT_DIM = 2;

/**
 * The smallest axis-aligned box, trimmed equally at its four sides, that
 * holds at least `coverage` of the encodings.
 *
 * Each of the four tails gives up a quarter of the excluded share, so by the
 * union bound at most `1 − coverage` of the points fall outside: the box is
 * the region "where the test set lives" without letting a few outliers
 * stretch it over empty plane.
 *
 * @param encodings [count * 2] latent points (x, y, x, y, …)
 * @param coverage share of points the box must hold, in (0, 1]
 * @throws {RangeError} on no points or a coverage outside (0, 1]
 */
export function coveringBox(encodings: Float32Array, coverage: number): LatentBox {
  if (!(coverage > 0 && coverage <= 1)) throw new RangeError(`coverage must be in (0, 1], got ${coverage}`);
  const count = encodings.length / LATENT_DIM;
  if (!Number.isInteger(count) || count === 0) {
    throw new RangeError(`need a positive whole number of 2-D points, got ${encodings.length} values`);
  }
  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    xs[i] = encodings[i * LATENT_DIM]!;
    ys[i] = encodings[i * LATENT_DIM + 1]!;
  }
  const tail = (1 - coverage) / 4;
  return {
    xMin: quantile(xs, tail),
    xMax: quantile(xs, 1 - tail),
    yMin: quantile(ys, tail),
    yMax: quantile(ys, 1 - tail),
  };
}

/** Share of the points inside `box` (edges included). */
export function shareInside(encodings: Float32Array, box: LatentBox): number {
  const count = encodings.length / LATENT_DIM;
  let inside = 0;
  for (let i = 0; i < count; i++) {
    const x = encodings[i * LATENT_DIM]!;
    const y = encodings[i * LATENT_DIM + 1]!;
    if (x >= box.xMin && x <= box.xMax && y >= box.yMin && y <= box.yMax) inside += 1;
  }
  return inside / count;
}

/** Length of the box's diagonal: the scale that latent distances are judged against. */
export function boxDiagonal(box: LatentBox): number {
  return Math.hypot(box.xMax - box.xMin, box.yMax - box.yMin);
}

/**
 * A `side`×`side` grid of points over `box`, row-major with the top row
 * (largest y) first, so row and column map straight onto an image.
 * Point (row, col) sits at `offset` of the way across its cell: [0.5, 0.5]
 * gives cell centres; other offsets shift the whole grid so another scan
 * samples between the points of the first.
 *
 * @param offset [x, y] fractions of a cell, each in [0, 1)
 * @returns [side * side * 2] latent points
 */
export function latentGrid(box: LatentBox, side: number, offset: readonly [number, number]): Float32Array {
  if (!Number.isInteger(side) || side < 1) throw new RangeError(`grid side must be a positive integer, got ${side}`);
  const cellX = (box.xMax - box.xMin) / side;
  const cellY = (box.yMax - box.yMin) / side;
  const points = new Float32Array(side * side * LATENT_DIM);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const i = (row * side + col) * LATENT_DIM;
      points[i] = box.xMin + (col + offset[0]) * cellX;
      points[i + 1] = box.yMax - (row + offset[1]) * cellY;
    }
  }
  return points;
}
