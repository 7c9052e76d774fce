import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { IMAGE_PIXELS, loadMnist, type Mnist } from '../src/data/index.js';
import { trainModel, type TrainEvent } from '../src/ml/index.js';
import { gatherBinarized, gatherBinarizedForEvaluation } from '../src/ml/binarize.js';
import { relativeError } from './helpers/backends.js';

function range(count: number, from = 0): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => from + i);
}

/** Row `r` of a [rows, 784] image matrix. */
function row(images: Float32Array, r: number): Float32Array {
  return images.subarray(r * IMAGE_PIXELS, (r + 1) * IMAGE_PIXELS);
}

describe('dynamic binarisation', () => {
  let data: Mnist;
  before(async () => {
    data = await loadMnist({ limit: 1000 });
  });

  it('draws 0 or 1 with mean grey/255: white stays white, black stays black', () => {
    const indices = range(200);
    const epochs = 100;
    const sums = new Float64Array(indices.length * IMAGE_PIXELS);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const drawn = gatherBinarized(data.train, indices, 7, epoch);
      for (let i = 0; i < drawn.length; i++) {
        assert.ok(drawn[i] === 0 || drawn[i] === 1);
        sums[i] += drawn[i];
      }
    }
    const grey = data.train.images.subarray(0, indices.length * IMAGE_PIXELS);
    let greyPixels = 0;
    let squares = 0;
    for (let i = 0; i < sums.length; i++) {
      const p = grey[i] / 255;
      if (grey[i] === 0) assert.equal(sums[i], 0, 'a black pixel is never drawn white');
      if (grey[i] === 255) assert.equal(sums[i], epochs, 'a white pixel is always drawn white');
      if (grey[i] > 0 && grey[i] < 255) {
        squares += (sums[i] / epochs - p) ** 2 / ((p * (1 - p)) / epochs);
        greyPixels += 1;
      }
    }
    assert.ok(greyPixels > 10_000, `${greyPixels} grey pixels tested`);
    // Each pixel's count of white draws is binomial(100, p): its squared standard score has mean
    // 1, and over this many pixels their average lies within ±0.05 of it (about 6 standard
    // deviations). Too few or too many white draws, or draws tied across epochs, move it off.
    const meanSquare = squares / greyPixels;
    assert.ok(Math.abs(meanSquare - 1) < 0.05, `mean squared standard score ${meanSquare}`);
    // Over every grey pixel together the mean ink matches to well under 1%.
    const total = sums.reduce((s, v) => s + v, 0) / epochs;
    const ink = grey.reduce((s, v) => s + v / 255, 0);
    assert.ok(Math.abs(total / ink - 1) < 0.005, `ink drawn ${total}, expected ${ink}`);
  });

  it('is keyed by (seed, epoch, image): the same in any batch, new each epoch and seed', () => {
    const whole = gatherBinarized(data.train, Int32Array.of(40, 7, 999, 0), 5, 3);
    const shard = gatherBinarized(data.train, Int32Array.of(999, 40), 5, 3);
    assert.deepEqual(row(shard, 0), row(whole, 2));
    assert.deepEqual(row(shard, 1), row(whole, 0));
    const base = gatherBinarized(data.train, range(50), 5, 3);
    const differing = (other: Float32Array) => base.filter((v, i) => v !== other[i]).length;
    assert.ok(differing(gatherBinarized(data.train, range(50), 5, 4)) > 100, 'another epoch draws anew');
    assert.ok(differing(gatherBinarized(data.train, range(50), 6, 3)) > 100, 'another seed draws anew');
  });

  it('evaluates on one fixed binarisation of the held-out images', () => {
    const a = gatherBinarizedForEvaluation(data.test, range(20));
    assert.deepEqual(gatherBinarizedForEvaluation(data.test, range(10, 10)), a.subarray(10 * IMAGE_PIXELS));
    assert.deepEqual(gatherBinarizedForEvaluation(data.test, range(20)), a);
  });

  it('refuses an index outside the set', () => {
    assert.throws(() => gatherBinarized(data.train, Int32Array.of(1000), 1, 1), RangeError);
  });

  it('train vae --binarize trains alike on 1 and 2 workers, and its metadata says binarized', async () => {
    const subset = { ...data, train: { ...data.train, count: 512 }, test: { ...data.test, count: 500 } };
    const runs = [];
    for (const [engine, workers, binarize] of [
      ['local', 1, true],
      ['threads', 2, true],
      ['local', 1, false],
    ] as const) {
      const modelsDir = mkdtempSync(path.join(tmpdir(), `mnist-tui-binarize-${workers}-`));
      const events: TrainEvent[] = [];
      await trainModel(subset, {
        model: 'vae',
        epochs: 2,
        batchSize: 32,
        seed: 5,
        modelsDir,
        workers,
        engine,
        backend: 'wasm',
        binarize,
        onEvent: (e) => events.push(e),
      });
      runs.push({ events, metadata: JSON.parse(readFileSync(path.join(modelsDir, 'vae', 'metadata.json'), 'utf8')) });
    }
    const losses = (events: TrainEvent[]) =>
      events.flatMap((e) => (e.event === 'epoch' ? [e.loss, e.testNegElbo ?? NaN] : []));
    const [one, two, grey] = runs.map((r) => losses(r.events));
    assert.ok(one.every(Number.isFinite) && one.length === 4);
    // As for grey images (engine.test.ts): only the shards' float32 summation order differs.
    assert.ok(relativeError(two, one) < 1e-5, `losses ${one} and ${two}`);
    assert.ok(relativeError(grey, one) > 1e-3, 'grey levels train on other data');
    assert.deepEqual(
      runs.map((r) => r.metadata.binarized),
      [true, true, undefined],
    );
  });
});
