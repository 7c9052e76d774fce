import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PRETRAINED_DIR, type ModelMetadata } from '../src/ml/index.js';
import { createMlServices, encodeTestSet, type VaeHandle } from '../src/ui/background/index.js';
import { createStore, initialState } from '../src/ui/state/index.js';
import { useBackend } from './helpers/backends.js';
import { fakeMnist, metadataFor } from './helpers/tui-fake-services.js';
import { BLOCKS, startApp, unmountAll, waitFor } from './helpers/tui-harness.js';

function shipped(model: 'cnn' | 'vae'): ModelMetadata {
  return JSON.parse(readFileSync(path.join(PRETRAINED_DIR, model, 'metadata.json'), 'utf8')) as ModelMetadata;
}

describe('the app with an empty models folder', () => {
  let app: Awaited<ReturnType<typeof startApp>>;

  before(async () => {
    await useBackend('wasm');
    const modelsDir = mkdtempSync(path.join(tmpdir(), 'mnist-tui-pretrained-app-'));
    // The real loaders and trainer, as the app makes them when the environment leaves the shipped models on.
    const real = createMlServices({ backend: 'wasm', dataDir: undefined, limit: 256, modelsDir }, 'fallback');
    app = await startApp({
      modelsDir,
      services: { loadClassifier: real.loadClassifier, loadVae: real.loadVae, trainer: real.trainer },
    });
  });

  after(unmountAll);

  it('shows the shipped models as pretrained, with their metrics, in the Models view', async () => {
    const { cnn, vae } = app.store.getState().models;
    assert.equal(cnn?.origin, 'pretrained');
    assert.equal(vae?.origin, 'pretrained');
    const screen = await app.screen();
    const accuracy = (shipped('cnn').metrics.testAccuracy! * 100).toFixed(2);
    const elbo = shipped('vae').metrics.testNegElbo!.toFixed(1);
    assert.match(screen, new RegExp(`CNN +pretrained · test accuracy ${accuracy.replace('.', '\\.')}% · 10 epochs`));
    assert.match(screen, new RegExp(`VAE +pretrained · test −ELBO ${elbo.replace('.', '\\.')} nats · 20 epochs`));
  });

  it('explores at once: the map of the test set, a decoded digit and the pretrained CNN reading it', async () => {
    app.stdin.type('3');
    // The harness's fake MNIST has 300 test digits; the real pretrained VAE encodes them.
    // Generous: real models on a shared machine; the frame, not the time, is what is checked.
    const encoded = () => app.store.getState().explorer.encoded === 300;
    await waitFor(() => encoded() || /latent map/.test(app.store.getState().message ?? ''), 'the latent map', 60_000);
    assert.ok(encoded(), app.store.getState().message);
    assert.equal(app.store.getState().explorer.digit?.length, 784);
    const screen = await app.screen();
    // At 80 columns the title is cut after "pretrained"; the Models view gives the metric.
    assert.match(screen, /test images by digit · pretrained/);
    assert.match(screen, /pretrained CNN reads \d \(\d+% sure\)/);
  });

  it('a model trained in the app takes over from the pretrained one after its first epoch', async () => {
    app.stdin.type('t');
    try {
      // A worker thread starts and trains a first epoch: seconds alone, minutes on a busy machine.
      await waitFor(() => app.store.getState().models.cnn?.origin === 'trained', 'the trained CNN', 300_000);
    } finally {
      // Stopped whatever happened, so no training outlives the test.
      app.stdin.type('c');
      await waitFor(() => app.store.getState().training.active === undefined, 'the training to stop', 300_000);
    }
    app.stdin.type('1');
    const screen = await app.screen();
    assert.match(screen, /CNN +trained · test accuracy/);
    assert.match(screen, /VAE +pretrained/);
  });
});

describe('the latent map of a VAE that comes with its encodings', () => {
  it('is drawn whole at once from them, encoding nothing, when they cover the test set', async () => {
    const data = fakeMnist();
    const known = Float32Array.from({ length: data.test.count * 2 }, (_, i) => i / 100);
    const store = createStore(initialState({ columns: 80, rows: 24 }, BLOCKS, 'models'));
    let encodeCalls = 0;
    const model: VaeHandle = {
      metadata: { ...metadataFor('vae'), origin: 'pretrained' },
      testEncodings: known,
      decode: () => new Float32Array(784),
      encode: (images) => {
        encodeCalls += 1;
        return new Float32Array((images.length / 784) * 2);
      },
      dispose: () => {},
    };
    await encodeTestSet({ data: Promise.resolve(data), model, isCurrent: () => true, store });
    assert.equal(encodeCalls, 0);
    assert.equal(store.getState().explorer.encoded, data.test.count);
    assert.deepEqual(store.getState().explorer.points, known);

    // Encodings of another test set (a --data-dir of another size) are not used.
    const other = createStore(initialState({ columns: 80, rows: 24 }, BLOCKS, 'models'));
    const partial = { ...model, testEncodings: known.subarray(0, 20) };
    await encodeTestSet({ data: Promise.resolve(data), model: partial, isCurrent: () => true, store: other });
    assert.ok(encodeCalls > 0);
    assert.equal(other.getState().explorer.encoded, data.test.count);
  });
});
