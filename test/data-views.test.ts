import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  type DigitSet,
  IMAGE_PIXELS,
  MNIST_MEAN,
  MNIST_STD,
  createRng,
  gatherLabels,
  gatherNormalised,
  gatherUnit,
  loadMnist,
  normalisedView,
  shuffledBatches,
  unitView,
} from '../src/data/index.js';

// Row 5, column 20 of the first training image (a 5) holds 166; row 0 is blank.
const KNOWN_PIXEL = 5 * 28 + 20;
const KNOWN_VALUE = 166;
const CLOSE = 1e-6;

let train: DigitSet;

before(async () => {
  train = (await loadMnist({})).train;
});

describe('views of the bundled training set', () => {
  test('image 0 is a 5 and the first labels are the published ones', () => {
    assert.deepEqual([...train.labels.subarray(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert.equal(train.images[KNOWN_PIXEL], KNOWN_VALUE);
  });

  test('unitView scales to [0, 1]', () => {
    const unit = unitView(train, 0, 1);
    assert.equal(unit.length, IMAGE_PIXELS);
    assert.ok(Math.abs(unit[KNOWN_PIXEL]! - KNOWN_VALUE / 255) < CLOSE);
    assert.equal(unit[0], 0);
    assert.ok(unit.every((x) => x >= 0 && x <= 1));
  });

  test('normalisedView centres with the MNIST mean and std', () => {
    const normalised = normalisedView(train, 0, 1);
    assert.ok(Math.abs(normalised[KNOWN_PIXEL]! - (KNOWN_VALUE / 255 - MNIST_MEAN) / MNIST_STD) < CLOSE);
    assert.ok(Math.abs(normalised[0]! + MNIST_MEAN / MNIST_STD) < CLOSE);
  });

  test('the normalised training set has mean ~0 and std ~1', () => {
    const CHUNK = 10_000;
    let sum = 0;
    let squares = 0;
    for (let start = 0; start < train.count; start += CHUNK) {
      for (const x of normalisedView(train, start, Math.min(CHUNK, train.count - start))) {
        sum += x;
        squares += x * x;
      }
    }
    const n = train.count * IMAGE_PIXELS;
    const mean = sum / n;
    assert.ok(Math.abs(mean) < 1e-3, `mean ${mean}`);
    assert.ok(Math.abs(Math.sqrt(squares / n - mean * mean) - 1) < 1e-3);
  });

  test('views refuse ranges outside the set', () => {
    assert.throws(() => unitView(train, train.count - 1, 2), RangeError);
    assert.throws(() => normalisedView(train, -1, 1), RangeError);
    assert.equal(unitView(train, train.count).length, 0);
  });
});

describe('gathering a batch', () => {
  const indices = [59_999, 0, 12_345];

  test('matches the views image by image', () => {
    const unit = gatherUnit(train, indices);
    const normalised = gatherNormalised(train, indices);
    indices.forEach((index, n) => {
      const at = n * IMAGE_PIXELS;
      assert.deepEqual(unit.subarray(at, at + IMAGE_PIXELS), unitView(train, index, 1));
      assert.deepEqual(normalised.subarray(at, at + IMAGE_PIXELS), normalisedView(train, index, 1));
    });
    assert.deepEqual(
      [...gatherLabels(train, indices)],
      indices.map((i) => train.labels[i]),
    );
    assert.ok(gatherLabels(train, indices) instanceof Int32Array);
  });

  test('reuses a caller buffer, returning its head for a short batch', () => {
    const out = new Float32Array(4 * IMAGE_PIXELS);
    const full = gatherUnit(train, [1, 2, 3, 4], out);
    assert.equal(full, out);
    const short = gatherUnit(train, [0], out);
    assert.equal(short.buffer, out.buffer);
    assert.equal(short.length, IMAGE_PIXELS);
    assert.deepEqual(short, unitView(train, 0, 1));
  });

  test('refuses bad indices and short buffers', () => {
    assert.throws(() => gatherNormalised(train, [train.count]), RangeError);
    assert.throws(() => gatherLabels(train, [0.5]), RangeError);
    assert.throws(() => gatherUnit(train, [0, 1], new Float32Array(IMAGE_PIXELS)), RangeError);
  });
});

describe('createRng', () => {
  test('repeats per seed, differs across seeds, stays in [0, 1)', () => {
    const draw = (seed: number) => Array.from({ length: 1000 }, createRng(seed));
    const a = draw(42);
    assert.deepEqual(a, draw(42));
    assert.notDeepEqual(a, draw(43));
    assert.ok(a.every((x) => x >= 0 && x < 1));
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  });
});

describe('shuffledBatches', () => {
  const flat = (batches: Int32Array[]) => batches.flatMap((batch) => [...batch]);

  test('cuts a permutation into batches, keeping the short last one', () => {
    const batches = shuffledBatches(1000, 128, 42, 0);
    assert.deepEqual(
      batches.map((b) => b.length),
      [128, 128, 128, 128, 128, 128, 128, 104],
    );
    assert.deepEqual(
      flat(batches).sort((a, b) => a - b),
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  test('repeats per (seed, epoch) and differs across epochs and seeds', () => {
    const order = flat(shuffledBatches(1000, 100, 42, 3));
    assert.deepEqual(order, flat(shuffledBatches(1000, 100, 42, 3)));
    assert.notDeepEqual(order, flat(shuffledBatches(1000, 100, 42, 4)));
    assert.notDeepEqual(order, flat(shuffledBatches(1000, 100, 43, 3)));
  });

  test('handles the edges', () => {
    assert.deepEqual(shuffledBatches(0, 8, 1, 0), []);
    assert.deepEqual(flat(shuffledBatches(1, 8, 1, 0)), [0]);
    assert.throws(() => shuffledBatches(10, 0, 1, 0), RangeError);
    assert.throws(() => shuffledBatches(-1, 8, 1, 0), RangeError);
  });
});
