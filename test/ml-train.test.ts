import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, writeFileSync, mkdirSync, cpSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { gatherNormalised, loadMnist, type Mnist } from '../src/data/index.js';
import {
  classifyImages,
  evaluateClassifier,
  evaluateVae,
  loadClassifier,
  loadVae,
  ModelFileError,
  trainModel,
  TrainingError,
  type TrainEvent,
} from '../src/ml/index.js';
import { useBackend } from './helpers/backends.js';

const TRAIN_IMAGES = 3000;

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'mnist-tui-models-'));
}

function firstTestImages(data: Mnist, count: number): Float32Array {
  return gatherNormalised(
    data.test,
    Array.from({ length: count }, (_, i) => i),
  );
}

describe('training', () => {
  let data: Mnist;
  let modelsDir: string;
  const events: TrainEvent[] = [];

  before(async () => {
    await useBackend('wasm');
    data = await loadMnist({ limit: TRAIN_IMAGES });
    modelsDir = tempDir();
    await trainModel(data, {
      model: 'cnn',
      epochs: 2,
      batchSize: 64,
      seed: 1,
      modelsDir,
      workers: 1,
      backend: 'wasm',
      onEvent: (e) => events.push(e),
    });
  });

  it('a short CNN run on a few thousand real images clearly beats chance', () => {
    const epochs = events.filter((e) => e.event === 'epoch');
    assert.equal(epochs.length, 2);
    const last = epochs[1];
    assert.ok(last.testAccuracy !== undefined && last.testAccuracy > 0.9, `accuracy ${last.testAccuracy}`);
    assert.ok(last.loss < epochs[0].loss, 'the training loss falls');
    assert.equal(events[0].event, 'start');
    assert.equal(events.at(-1)?.event, 'done');
  });

  it('a saved CNN reloads as the model it trained, with its metadata', async () => {
    const saved = await loadClassifier(modelsDir);
    assert.ok(saved);
    assert.equal(saved.metadata.epochs, 2);
    assert.equal(saved.metadata.trainImages, TRAIN_IMAGES);
    const accuracy = events.filter((e) => e.event === 'epoch')[1].testAccuracy;
    assert.equal(saved.metadata.metrics.testAccuracy, accuracy);
    // The epoch event's accuracy was measured on the trained weights in memory: the reloaded
    // model must give the same prediction for every one of the test images.
    const reloaded = await evaluateClassifier(saved.model, data.test);
    assert.equal(reloaded.testAccuracy, accuracy);
    const images = firstTestImages(data, 50);
    const predicted = classifyImages(saved.model, images);
    let correct = 0;
    for (let i = 0; i < 50; i++) {
      const row = Array.from(predicted.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === data.test.labels[i]) correct += 1;
    }
    assert.ok(correct >= 40, `${correct}/50 of the reloaded model's predictions are right`);
  });

  it('a diverging run stops with a clear error and keeps the last good model', async () => {
    const dir = tempDir();
    cpSync(path.join(modelsDir, 'cnn'), path.join(dir, 'cnn'), { recursive: true });
    const before = readFileSync(path.join(dir, 'cnn', 'model', 'weights.bin'));
    await assert.rejects(
      trainModel(data, {
        model: 'cnn',
        epochs: 1,
        batchSize: 64,
        seed: 1,
        modelsDir: dir,
        workers: 1,
        backend: 'wasm',
        learningRate: 1e30,
        onEvent: () => {},
      }),
      (error: unknown) =>
        error instanceof TrainingError &&
        /training diverged .* in epoch 1, batch \d+; any model saved before is unchanged$/.test(error.message),
    );
    assert.deepEqual(readFileSync(path.join(dir, 'cnn', 'model', 'weights.bin')), before);
    assert.equal((await loadClassifier(dir))?.metadata.epochs, 2);
  });

  it('aborting stops after the current batch and reports it', async () => {
    const controller = new AbortController();
    const seen: TrainEvent[] = [];
    const dir = tempDir();
    await trainModel(data, {
      model: 'vae',
      epochs: 3,
      batchSize: 64,
      seed: 1,
      modelsDir: dir,
      workers: 1,
      backend: 'wasm',
      signal: controller.signal,
      onEvent: (e) => {
        seen.push(e);
        if (e.event === 'batch' && e.batch >= 10) controller.abort();
      },
    });
    const done = seen.at(-1);
    assert.ok(done?.event === 'done' && done.stopped === 'cancelled' && done.epochs === 0);
    assert.equal(await loadVae(dir), undefined, 'no epoch completed, so nothing is saved');
  });
});

describe('model files', () => {
  let source: string;
  let data: Mnist;
  const events: TrainEvent[] = [];

  before(async () => {
    await useBackend('wasm');
    source = tempDir();
    data = await loadMnist({ limit: 256 });
    await trainModel(data, {
      model: 'vae',
      epochs: 1,
      batchSize: 128,
      seed: 2,
      modelsDir: source,
      workers: 1,
      backend: 'wasm',
      onEvent: (e) => events.push(e),
    });
  });

  it('a saved VAE reloads as the model it trained: its test −ELBO repeats to the last bit', async () => {
    const epoch = events.find((e) => e.event === 'epoch');
    assert.ok(epoch?.event === 'epoch' && epoch.testNegElbo !== undefined);
    const saved = await loadVae(source);
    assert.ok(saved);
    // Measured in memory on the trained weights, with noise seeded by the run's seed: any
    // weight saved or loaded differently moves this sum over 10,000 images.
    assert.equal((await evaluateVae(saved.vae, data.test, 2)).testNegElbo, epoch.testNegElbo);
  });

  function copy(): string {
    const dir = tempDir();
    cpSync(path.join(source, 'vae'), path.join(dir, 'vae'), { recursive: true });
    return dir;
  }

  it('a crash between the two renames of a save leaves the previous copy loadable', async () => {
    const dir = copy();
    renameSync(path.join(dir, 'vae'), path.join(dir, 'vae.old'));
    mkdirSync(path.join(dir, 'vae.tmp', 'encoder'), { recursive: true });
    writeFileSync(path.join(dir, 'vae.tmp', 'encoder', 'model.json'), '{"half": ');
    const saved = await loadVae(dir);
    assert.equal(saved?.metadata.epochs, 1);
    assert.equal(saved?.vae.latentDim, 2);
  });

  it('the next save replaces stale staging folders', async () => {
    const dir = copy();
    mkdirSync(path.join(dir, 'vae.tmp'), { recursive: true });
    await trainModel(await loadMnist({ limit: 128 }), {
      model: 'vae',
      epochs: 1,
      batchSize: 128,
      seed: 2,
      modelsDir: dir,
      workers: 1,
      backend: 'wasm',
      onEvent: () => {},
    });
    assert.equal((await loadVae(dir))?.metadata.trainImages, 128);
    assert.ok(!existsSync(path.join(dir, 'vae.tmp')) && !existsSync(path.join(dir, 'vae.old')));
  });

  const damage: [string, (dir: string) => void, RegExp][] = [
    [
      'truncated weights',
      (d) => writeFileSync(path.join(d, 'vae/decoder/weights.bin'), 'short'),
      /weights hold 5 bytes/,
    ],
    ['damaged JSON', (d) => writeFileSync(path.join(d, 'vae/encoder/model.json'), '{"modelTopo'), /damaged JSON/],
    [
      'a foreign JSON file',
      (d) => writeFileSync(path.join(d, 'vae/encoder/model.json'), '{"a": 1}'),
      /not a TensorFlow.js layers model/,
    ],
    [
      'metadata of another model',
      (d) => writeFileSync(path.join(d, 'vae/metadata.json'), '{"model": "cnn"}'),
      /not a saved vae model/,
    ],
    [
      'a weight path outside the folder',
      (d) => {
        const file = path.join(d, 'vae/decoder/model.json');
        writeFileSync(file, readFileSync(file, 'utf8').replace('"weights.bin"', '"../../../etc/passwd"'));
      },
      /leaves the model folder/,
    ],
  ];
  for (const [what, spoil, message] of damage) {
    it(`loading ${what} fails with a one-line ModelFileError`, async () => {
      const dir = copy();
      spoil(dir);
      await assert.rejects(
        loadVae(dir),
        (error: unknown) =>
          error instanceof ModelFileError && message.test(error.message) && !error.message.includes('\n'),
      );
    });
  }
});
