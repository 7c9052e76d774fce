import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, before, describe, it } from 'node:test';
import { loadMnist } from '../src/data/index.js';
import { trainModel } from '../src/ml/index.js';
import { createMlServices } from '../src/ui/background/index.js';
import { useBackend } from './helpers/backends.js';
import { startApp, unmountAll, waitFor } from './helpers/tui-harness.js';

const temp = () => mkdtempSync(path.join(tmpdir(), 'mnist-tui-tui-models-'));

/** A real CNN saved after one short epoch, copied for each test to spoil. */
let source: string;

before(async () => {
  await useBackend('wasm');
  source = temp();
  await trainModel(await loadMnist({ limit: 256 }), {
    model: 'cnn',
    epochs: 1,
    batchSize: 128,
    seed: 4,
    modelsDir: source,
    workers: 1,
    backend: 'wasm',
    onEvent: () => {},
  });
});

afterEach(unmountAll);

/** The app over the real model loaders, trainer and CNN insight of `modelsDir`, with fake data and VAE. */
async function appOver(modelsDir: string) {
  const real = createMlServices({ backend: 'wasm', dataDir: undefined, limit: 256, modelsDir });
  const started = await startApp({
    modelsDir,
    services: {
      loadClassifier: real.loadClassifier,
      trainer: real.trainer,
      analyseClassifier: real.analyseClassifier,
    },
  });
  return started;
}

function spoiledCopy(edit: (metadata: Record<string, unknown>) => unknown): string {
  const dir = temp();
  cpSync(path.join(source, 'cnn'), path.join(dir, 'cnn'), { recursive: true });
  const file = path.join(dir, 'cnn', 'metadata.json');
  writeFileSync(file, JSON.stringify(edit(JSON.parse(readFileSync(file, 'utf8')))));
  return dir;
}

describe('the app with a saved CNN', () => {
  it("works out the real CNN's insight on the test set in the background, and draws it", async () => {
    const { screen, store } = await appOver(source);
    await waitFor(() => store.getState().insight.cnn?.stage === 'done', 'the CNN insight', 10000);
    const insight = store.getState().insight.cnn!;
    assert.ok(insight.stage === 'done');
    assert.equal(insight.result.count, 300);
    assert.equal(
      insight.result.confusion.reduce((sum, n) => sum + n, 0),
      300,
    );
    const right = insight.result.confusion.filter((_, i) => i % 11 === 0).reduce((sum, n) => sum + n, 0);
    assert.equal(insight.result.accuracy, right / 300);
    const percent = (insight.result.accuracy * 100).toFixed(2);
    assert.match(await screen(), new RegExp(`CNN on 300 test images: ${percent.replace('.', '\\.')}% right`));
  });
});

describe('the app with saved models it cannot use', () => {
  it('metadata of only {"model":"cnn"} shows the CNN as unusable, and the app keeps running', async () => {
    const { screen, store, stdin } = await appOver(spoiledCopy(() => ({ model: 'cnn' })));
    await waitFor(() => store.getState().unusable.cnn !== undefined, 'the CNN refused');
    const modelsScreen = await screen();
    assert.match(modelsScreen, /CNN +unusable: cnn\/metadata\.json: "dataset" needs a text/);
    assert.equal(store.getState().models.cnn, undefined);
    stdin.type('4');
    assert.equal(store.getState().view, 'draw', 'the app still answers keys');
  });

  it('odd field types are refused, never drawn as "lots epochs · undefined"', async () => {
    const { screen, store } = await appOver(spoiledCopy((m) => ({ ...m, epochs: 'lots', metrics: {} })));
    await waitFor(() => store.getState().unusable.cnn !== undefined, 'the CNN refused');
    const modelsScreen = await screen();
    assert.doesNotMatch(modelsScreen, /lots epochs|undefined/);
    assert.match(modelsScreen, /CNN +unusable: cnn\/metadata\.json: "epochs" needs an integer/);
  });

  it('a models folder locked by another process fails the training in one line; the app keeps running', async () => {
    const dir = temp();
    const holder = {
      pid: process.ppid,
      host: hostname(),
      command: 'mnist-tui train all',
      started: '2026-01-01T00:00:00.000Z',
    };
    writeFileSync(path.join(dir, '.lock'), JSON.stringify(holder));
    const { store, stdin, screen } = await appOver(dir);
    stdin.type('t');
    await waitFor(() => store.getState().training.runs.cnn?.outcome === 'failed', 'the training to fail', 5000);
    const message = store.getState().message ?? '';
    assert.match(
      message,
      new RegExp(
        `^CNN training failed: .* is in use by another training run \\(pid ${process.ppid}, since 2026-01-01T00:00:00.000Z\\)`,
      ),
    );
    assert.ok(!message.includes('\n'));
    assert.equal(
      JSON.parse(readFileSync(path.join(dir, '.lock'), 'utf8')).pid,
      process.ppid,
      'the lock is left to its holder',
    );
    stdin.type('1');
    assert.match(await screen(), /CNN +untrained/);
  });
});
