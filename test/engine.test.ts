import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadMnist, type Mnist } from '../src/data/index.js';
import { trainModel, type TrainEvent } from '../src/ml/index.js';
import { relativeError } from './helpers/backends.js';

const TRAIN_IMAGES = 2000;

/** Trains the CNN for one epoch with the given engine and returns its events and saved weights. */
async function run(data: Mnist, engine: 'local' | 'threads', workers: number) {
  const modelsDir = mkdtempSync(path.join(tmpdir(), `mnist-tui-engine-${engine}${workers}-`));
  const events: TrainEvent[] = [];
  await trainModel(data, {
    model: 'cnn',
    epochs: 1,
    batchSize: 100,
    seed: 3,
    modelsDir,
    workers,
    engine,
    backend: 'wasm',
    onEvent: (e) => events.push(e),
  });
  const bytes = readFileSync(path.join(modelsDir, 'cnn', 'model', 'weights.bin'));
  const weights = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return { events, weights };
}

describe('training engines', () => {
  let data: Mnist;
  before(async () => {
    data = await loadMnist({ limit: TRAIN_IMAGES });
  });

  it('two workers take the same steps as one thread and reach the same accuracy', async () => {
    const local = await run(data, 'local', 1);
    const threads = await run(data, 'threads', 2);
    const start = threads.events[0];
    assert.ok(start.event === 'start' && start.workers === 2 && start.backend === 'wasm');
    const losses = (events: TrainEvent[]) => events.flatMap((e) => (e.event === 'batch' ? [e.loss] : []));
    assert.ok(relativeError(losses(threads.events), losses(local.events)) < 1e-3, 'the loss curves coincide');
    // Summation order differs between one big batch and two averaged halves; Adam keeps the drift tiny.
    assert.ok(relativeError(threads.weights, local.weights) < 1e-2, 'the weights coincide');
    const accuracy = (events: TrainEvent[]) => events.find((e) => e.event === 'epoch')?.testAccuracy ?? 0;
    assert.ok(accuracy(local.events) > 0.5, `accuracy ${accuracy(local.events)}`);
    assert.ok(Math.abs(accuracy(threads.events) - accuracy(local.events)) < 0.01);
  });

  it('one worker thread trains like the calling thread', async () => {
    const single = await run(data, 'threads', 1);
    const local = await run(data, 'local', 1);
    assert.deepEqual(single.weights, local.weights);
  });

  it('a batch smaller than the worker count still trains, with the idle workers sitting out', async () => {
    const tiny = { ...data, train: { ...data.train, count: 5 } };
    const events: TrainEvent[] = [];
    await trainModel(tiny, {
      model: 'vae',
      epochs: 1,
      batchSize: 4,
      seed: 1,
      modelsDir: mkdtempSync(path.join(tmpdir(), 'mnist-tui-engine-tiny-')),
      workers: 3,
      engine: 'threads',
      backend: 'wasm',
      onEvent: (e) => events.push(e),
    });
    const epoch = events.find((e) => e.event === 'epoch');
    assert.ok(epoch?.event === 'epoch' && Number.isFinite(epoch.loss) && epoch.testNegElbo !== undefined);
  });
});

