import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { gatherNormalised, loadMnist, type Mnist } from '../src/data/index.js';
import { exampleShifts, gatherShifted, NORMALISED_BACKGROUND, shiftImages } from '../src/ml/augment.js';
import { initBackend } from '../src/ml/backend.js';
import { cnnRecipe, PLAIN_RECIPE, SHIFT_FROM_EPOCHS } from '../src/ml/cnn-recipe.js';
import { FlatParameters } from '../src/ml/parameters.js';
import { createTask } from '../src/ml/tasks.js';
import { trainModel, type TrainEvent } from '../src/ml/index.js';
import { relativeError } from './helpers/backends.js';
import { jsonLines, runCli } from './helpers/cli.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** Image `n` of `images` moved by (down, right), pixel by pixel: the definition the fast path must meet. */
function shiftedByHand(images: Float32Array, n: number, down: number, right: number): Float32Array {
  const out = new Float32Array(PIXELS);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const [sy, sx] = [y - down, x - right];
      const inside = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE;
      out[y * SIDE + x] = inside ? images[n * PIXELS + sy * SIDE + sx] : NORMALISED_BACKGROUND;
    }
  }
  return out;
}

const range = (count: number, from = 0) => Int32Array.from({ length: count }, (_, i) => from + i);

describe('random shifts of the training images', () => {
  let data: Mnist;
  before(async () => {
    data = await loadMnist({ limit: 1000 });
  });

  it('moves real digits by every (down, right) pair within ±3 exactly as the pixel-by-pixel definition', () => {
    const pairs = [];
    for (let down = -3; down <= 3; down++) for (let right = -3; right <= 3; right++) pairs.push([down, right]);
    // Each pair on its own digit, so every image is shifted once and checked whole.
    const indices = range(pairs.length, 100);
    const plain = gatherNormalised(data.train, indices);
    const shifted = plain.slice();
    shiftImages(shifted, Int8Array.from(pairs.flat()), NORMALISED_BACKGROUND);
    pairs.forEach(([down, right], n) => {
      const expected = shiftedByHand(plain, n, down, right);
      assert.deepEqual(shifted.subarray(n * PIXELS, (n + 1) * PIXELS), expected, `shift (${down}, ${right})`);
    });
    // A shift of 2 keeps MNIST's 20×20 box inside the frame, so no ink is lost.
    const ink = (image: Float32Array) => image.reduce((sum, v) => sum + (v - NORMALISED_BACKGROUND), 0);
    const two = pairs.findIndex(([down, right]) => down === 2 && right === -2);
    const [before, after] = [plain, shifted].map((images) => ink(images.subarray(two * PIXELS, (two + 1) * PIXELS)));
    assert.ok(Math.abs(after - before) < 1e-3 * before, `ink ${before} became ${after}`);
  });

  it('gives an image the same shift whichever batch or shard it comes in, and a new one each epoch', () => {
    const whole = exampleShifts(9, 4, [40, 7, 999, 0], 2);
    const split = [...exampleShifts(9, 4, [999, 0], 2), ...exampleShifts(9, 4, [40, 7], 2)];
    assert.deepEqual([...split.slice(4), ...split.slice(0, 4)], [...whole]);
    const indices = range(5000);
    const base = exampleShifts(9, 4, indices, 2);
    for (const [what, other] of [
      ['epoch', exampleShifts(9, 5, indices, 2)],
      ['seed', exampleShifts(10, 4, indices, 2)],
    ] as const) {
      let same = 0;
      for (let r = 0; r < indices.length; r++)
        same += +(other[2 * r] === base[2 * r] && other[2 * r + 1] === base[2 * r + 1]);
      // Independent draws agree on 1 in 25 images: 200 of 5,000, give or take about 14.
      assert.ok(same > 130 && same < 270, `another ${what} kept ${same} of 5000 shifts`);
    }
  });

  it('draws each of the 25 shifts within ±2 about equally often', () => {
    const shifts = exampleShifts(1, 1, range(25_000), 2);
    const counts = new Map<string, number>();
    for (let r = 0; r < shifts.length / 2; r++) {
      const key = `${shifts[2 * r]},${shifts[2 * r + 1]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 25);
    // 1,000 expected per pair, standard deviation about 31; 6 deviations would be a broken hash.
    for (const [pair, count] of counts) assert.ok(Math.abs(count - 1000) < 190, `${pair}: ${count}`);
  });

  it('with no shift asked, gathers the images as they are', () => {
    const indices = range(50, 300);
    assert.deepEqual(gatherShifted(data.train, indices, 3, 2, 0), gatherNormalised(data.train, indices));
    assert.notDeepEqual(gatherShifted(data.train, indices, 3, 2, 2), gatherNormalised(data.train, indices));
  });
});

describe('the classifier recipe', () => {
  it('auto shifts from SHIFT_FROM_EPOCHS epochs, on always, off is the plain recipe', () => {
    assert.equal(cnnRecipe('auto', SHIFT_FROM_EPOCHS - 1).maxShift, 0);
    assert.equal(cnnRecipe('auto', SHIFT_FROM_EPOCHS).maxShift, 2);
    assert.equal(cnnRecipe('on', 1).maxShift, 2);
    assert.deepEqual(cnnRecipe('off', 10), PLAIN_RECIPE);
    assert.equal(cnnRecipe('auto', 1).logitsInit, 'small');
  });

  it('starts near ln 10 with the small logits init, where the plain init starts far above', async () => {
    await initBackend('wasm', 'async');
    const data = await loadMnist({ limit: 512 });
    const indices = range(512);
    const firstLoss = (seed: number, recipe = cnnRecipe('auto', 10)) => {
      const task = createTask('cnn', data.train, seed, { cnn: recipe });
      const loss = tf.tidy(() => task.batchLoss(indices, 1).dataSync()[0]);
      task.parts.model.dispose();
      return loss;
    };
    for (const seed of [42, 1, 2]) {
      const loss = firstLoss(seed);
      assert.ok(Math.abs(loss - Math.log(10)) < 0.2, `seed ${seed}: first loss ${loss}`);
    }
    // The seed's Glorot draw: confident, wrong logits (5.7 on these images).
    assert.ok(firstLoss(42, PLAIN_RECIPE) > 3);
  });

  it('the hand-written pass sees the same shifted images as autograd', async () => {
    await initBackend('wasm', 'async');
    const data = await loadMnist({ limit: 256 });
    const task = createTask('cnn', data.train, 7, { cnn: cnnRecipe('on', 1) });
    const weights = await new FlatParameters(task.variables).read();
    const indices = range(64, 100);
    const hand = task.handPass!(weights, indices, 3, new Float32Array(weights.length));
    const auto = tf.tidy(() => task.batchLoss(indices, 3).dataSync()[0]);
    assert.ok(Math.abs(hand - auto) < 1e-5 * auto, `hand ${hand}, autograd ${auto}`);
    // Another epoch shifts the images elsewhere, so the loss moves.
    assert.notEqual(task.handPass!(weights, indices, 4, new Float32Array(weights.length)), hand);
    task.parts.model.dispose();
  });
});

const temp = (prefix: string) => mkdtempSync(path.join(tmpdir(), `mnist-tui-augment-${prefix}-`));

describe('shifted training with 1, 2 and 3 workers', () => {
  it('takes the same steps: the shifts are keyed by image, not by shard', async () => {
    const full = await loadMnist({ limit: 512 });
    // 16 steps of 32 images; 1,000 test images keep the evaluation short.
    const data = { ...full, test: { ...full.test, count: 1000 } };
    const run = async (workers: number) => {
      const events: TrainEvent[] = [];
      await trainModel(data, {
        model: 'cnn',
        epochs: 1,
        batchSize: 32,
        seed: 5,
        modelsDir: temp(`workers${workers}`),
        workers,
        engine: workers === 1 ? 'local' : 'threads',
        backend: 'wasm',
        augment: 'on',
        onEvent: (e) => events.push(e),
      });
      return events.flatMap((e) => (e.event === 'batch' || e.event === 'epoch' ? [e.loss] : []));
    };
    const one = await run(1);
    for (const workers of [2, 3]) {
      // Shards sum their gradients in another order: float32 rounding, about 1e-7 (see engine.test.ts).
      const error = relativeError(await run(workers), one);
      assert.ok(error < 1e-5, `${workers} workers: losses differ by ${error} (relative)`);
    }
  });
});

describe('mnist-tui train --augment', () => {
  const args = ['train', 'cnn', '--epochs', '1', '--limit', '300', '--json', '--workers', '1'];
  const train = async (augment: string) => {
    const dir = temp(augment);
    const result = await runCli([...args, '--augment', augment, '--models-dir', dir]);
    assert.equal(result.code, 0, result.stderr);
    const metadata = JSON.parse(readFileSync(path.join(dir, 'cnn', 'metadata.json'), 'utf8'));
    const epoch = jsonLines(result.stdout).find((e) => e.event === 'epoch');
    return { loss: epoch?.loss as number, recipe: metadata.recipe };
  };

  it('trains shifted, unshifted or the plain recipe, and records which in the metadata', async () => {
    const on = await train('on');
    const auto = await train('auto');
    const off = await train('off');
    assert.deepEqual(on.recipe, { maxShift: 2, logitsInit: 'small' });
    // One epoch is too short for shifts to pay under auto.
    assert.deepEqual(auto.recipe, { maxShift: 0, logitsInit: 'small' });
    assert.deepEqual(off.recipe, { maxShift: 0, logitsInit: 'glorot' });
    assert.equal(new Set([on.loss, auto.loss, off.loss]).size, 3, `losses ${on.loss}, ${auto.loss}, ${off.loss}`);
    // The plain recipe's confident first logits cost it this short epoch.
    assert.ok(off.loss > auto.loss + 0.5, `off ${off.loss}, auto ${auto.loss}`);
  });

  it('off repeats the runs made before shifts, to the last bit', async () => {
    const dir = temp('old');
    const result = await runCli([
      ...['train', 'cnn', '--epochs', '2', '--limit', '500', '--validation', '100', '--batch-size', '50'],
      ...['--workers', '1', '--json', '--augment', 'off', '--models-dir', dir],
    ]);
    assert.equal(result.code, 0, result.stderr);
    const epochs = jsonLines(result.stdout).filter((e) => e.event === 'epoch');
    // The same command on the code before --augment existed (commit 69a723a) printed these.
    assert.deepEqual(
      epochs.map((e) => [e.loss, e.testAccuracy]),
      [
        [5.525035099576078, 0.46],
        [1.4818245842350957, 0.63],
      ],
    );
  });

  it('is listed in the help and refuses other values with exit code 2', async () => {
    const help = await runCli(['train', '--help']);
    assert.match(help.stdout, /--augment A +.*auto.*on.*off/);
    const refused = await runCli(['train', 'cnn', '--augment', 'maybe']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^mnist-tui: --augment must be one of auto, on, off, got "maybe"/);
    const elsewhere = await runCli(['eval', '--augment', 'on']);
    assert.equal(elsewhere.code, 2);
  });
});
