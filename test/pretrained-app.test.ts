import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PRETRAINED_DIR, type ModelMetadata } from '../src/ml/index.js';
import { createMlServices } from '../src/ui/background/index.js';
import { useBackend } from './helpers/backends.js';
import { startApp, waitFor } from './helpers/tui-harness.js';

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

  after(() => app.instance.unmount());

  it('shows the shipped models as pretrained, with their metrics, in the Models view', async () => {
    const { cnn, vae } = app.store.getState().models;
    assert.equal(cnn?.origin, 'pretrained');
    assert.equal(vae?.origin, 'pretrained');
    const screen = await app.screen();
    const accuracy = (shipped('cnn').metrics.testAccuracy! * 100).toFixed(2);
    const elbo = shipped('vae').metrics.testNegElbo!.toFixed(1);
    assert.match(screen, new RegExp(`CNN +pretrained · test accuracy ${accuracy.replace('.', '\\.')}% · 10 epochs`));
    assert.match(screen, new RegExp(`VAE +pretrained · test −ELBO ${elbo.replace('.', '\\.')} nats · 20 epochs`));
    assert.match(screen, /pretrained models shipped with mnist-tui stand in/);
  });

  it('explores at once: the map of the test set, a decoded digit and the pretrained CNN reading it', async () => {
    app.stdin.type('3');
    // The harness's fake MNIST has 300 test digits; the real pretrained VAE encodes them.
    await waitFor(() => app.store.getState().explorer.encoded === 300, 'the latent map');
    assert.equal(app.store.getState().explorer.digit?.length, 784);
    const screen = await app.screen();
    assert.match(screen, /test images by digit · pretrained VAE, test −ELBO/);
    assert.match(screen, /pretrained CNN reads \d \(\d+% sure\)/);
  });

  it('a model trained in the app takes over from the pretrained one after its first epoch', async () => {
    app.stdin.type('t');
    await waitFor(() => app.store.getState().models.cnn?.origin === 'trained', 'the trained CNN', 60_000);
    app.stdin.type('c');
    await waitFor(() => app.store.getState().training.active === undefined, 'the training to stop', 60_000);
    app.stdin.type('1');
    const screen = await app.screen();
    assert.match(screen, /CNN +trained · test accuracy/);
    assert.match(screen, /VAE +pretrained/);
  });
});
