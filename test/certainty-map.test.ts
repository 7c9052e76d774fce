/**
 * The certainty map's computation (src/ml/new-numbers/certainty-map.ts):
 * the grid's points against the explorer's own cell geometry, the top
 * probability against hand-made rows, and the sliced computation against
 * classifying every cell at once, whatever the slice sizes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IMAGE_PIXELS, NUM_CLASSES } from '../src/data/index.js';
import { cellCentres, certaintySlices, topProbabilities } from '../src/ml/new-numbers/certainty-map.js';
import { cellOf, LATENT_EXTENT, pointAt } from '../src/ui/layout/index.js';

/** Decodes a point into an image that remembers it: its first two pixels are z. */
function decode(points: Float32Array): Float32Array {
  const images = new Float32Array((points.length / 2) * IMAGE_PIXELS);
  for (let n = 0; n < points.length / 2; n++) images.set(points.subarray(2 * n, 2 * n + 2), n * IMAGE_PIXELS);
  return images;
}

/** Probabilities that depend on z: a softmax whose sharpness grows with |z|, so the top one varies over the plane. */
function classify(images: Float32Array): Float32Array {
  const count = images.length / IMAGE_PIXELS;
  const out = new Float32Array(count * NUM_CLASSES);
  for (let n = 0; n < count; n++) {
    const x = images[n * IMAGE_PIXELS]!;
    const y = images[n * IMAGE_PIXELS + 1]!;
    const logits = Array.from({ length: NUM_CLASSES }, (_, d) => 3 * Math.cos(d + x) * Math.hypot(x, y));
    const sum = logits.reduce((s, l) => s + Math.exp(l), 0);
    logits.forEach((l, d) => (out[n * NUM_CLASSES + d] = Math.exp(l) / sum));
  }
  return out;
}

describe('certainty map', () => {
  it("puts each cell's point at the centre the explorer gives that cell, row 0 at the top", () => {
    const grid = { columns: 7, rows: 5, extent: LATENT_EXTENT };
    const points = cellCentres(grid, 0, 35);
    for (let cell = 0; cell < 35; cell++) {
      const col = cell % 7;
      const row = Math.floor(cell / 7);
      const [x, y] = pointAt(col, row, grid);
      assert.ok(Math.abs(points[2 * cell]! - x) < 1e-6 && Math.abs(points[2 * cell + 1]! - y) < 1e-6, `cell ${cell}`);
      assert.deepEqual(cellOf([points[2 * cell]!, points[2 * cell + 1]!], grid), { col, row });
    }
    assert.ok(points[1]! > 0 && points[69]! < 0, 'y falls from the top row to the bottom one');
    assert.deepEqual(cellCentres(grid, 8, 10), points.slice(16, 20), 'a slice is the same points');
  });

  it('takes the largest of each row of ten probabilities', () => {
    const rows = Float32Array.from([
      ...[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
      ...[0.01, 0.02, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01],
      ...[0, 0, 0, 0, 0, 0, 0, 0, 0.3, 0.7],
    ]);
    assert.deepEqual(
      Array.from(topProbabilities(rows), (v) => Number(v.toFixed(4))),
      [0.1, 0.9, 0.7],
    );
  });

  it('computes slice by slice what classifying every cell at once gives, for any slice sizes', () => {
    const grid = { columns: 11, rows: 9, extent: LATENT_EXTENT };
    const total = grid.columns * grid.rows;
    const expected = topProbabilities(classify(decode(cellCentres(grid, 0, total))));
    assert.ok(Math.min(...expected) < 0.5 && Math.max(...expected) > 0.9, 'the test model is unsure in places');
    for (const sizes of [[1], [7], [total * 2], [3, 20, 1, 64]]) {
      const values = new Float32Array(total).fill(Number.NaN);
      const decoded: number[] = [];
      const models = { decode: (z: Float32Array) => (decoded.push(z.length / 2), decode(z)), classify };
      const slices = certaintySlices(grid, models, values, sizes[0]!);
      const progress: number[] = [];
      for (let i = 1, step = slices.next(); !step.done; i++) {
        progress.push(step.value);
        step = slices.next(sizes[i % sizes.length]);
      }
      assert.deepEqual(values, expected, `sizes ${sizes}`);
      assert.equal(progress.at(-1), total);
      assert.ok(
        progress.every((done, i) => done > (progress[i - 1] ?? 0)),
        'progress only grows',
      );
      assert.ok(decoded[0]! <= sizes[0]!, 'a slice decodes at most its size');
      assert.equal(
        decoded.reduce((a, b) => a + b, 0),
        total,
        'every cell decoded once',
      );
    }
  });
});
