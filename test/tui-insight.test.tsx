import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../src/data/index.js';
import { analyseClassifier } from '../src/ml/analysis/index.js';
import { createController } from '../src/ui/app/index.js';
import type { AppServices } from '../src/ui/background/index.js';
import { sparkline } from '../src/ui/chart/index.js';
import { createStore, initialState, type Display, type Store } from '../src/ui/state/index.js';
import { graphicsLayer } from '../src/ui/views/index.js';
import {
  assertSnapshot,
  BLOCKS,
  fakeServices,
  metadataFor,
  screenOf,
  unmountAll,
  stripAnsi,
  TEST_CONFIG,
  waitFor,
} from './helpers/tui-harness.js';

const ASCII: Display = { ...BLOCKS, graphics: 'ascii', colour: false };
const SIXEL: Display = { ...BLOCKS, graphics: 'sixel' };

after(unmountAll);
/** Controllers started without a screen, stopped after the tests. */
const controllers: { quit(code: number): unknown }[] = [];
after(() => controllers.forEach((controller) => void controller.quit(0)));

/** The digit pairs the fake reader gets wrong, with how sure it is of the wrong answer. */
const MISREAD: Record<number, [digit: number, confidence: number]> = { 4: [9, 0.93], 7: [1, 0.88], 3: [5, 0.71] };

/**
 * Reads a fake test blob's digit from where its ink sits (see `fakeMnist`), but misreads
 * the variants of 3, 4 and 7 drawn furthest right and low: 15 mistakes in 300, as a CNN makes.
 */
function blobReader(pixels: Float32Array): Float32Array {
  const count = pixels.length / IMAGE_PIXELS;
  const out = new Float32Array(count * 10);
  for (let n = 0; n < count; n++) {
    let mass = 0;
    let x = 0;
    let y = 0;
    for (let i = 0; i < IMAGE_PIXELS; i++) {
      const p = pixels[n * IMAGE_PIXELS + i]!;
      mass += p;
      x += p * (i % IMAGE_SIDE);
      y += p * Math.floor(i / IMAGE_SIDE);
    }
    const cx = Math.round(x / mass);
    const cy = Math.round(y / mass);
    const label = (cy >= 18 ? 5 : 0) + Math.floor((cx - 6) / 4);
    const shifted = (cx - 6) % 4 === 2 && (cy - 8) % 10 === 1;
    const [digit, confidence] = shifted && MISREAD[label] ? MISREAD[label] : [label, 0.9];
    out.fill((1 - confidence) / 9, n * 10, n * 10 + 10);
    out[n * 10 + digit] = confidence;
  }
  return out;
}

/** Both models trained, over fake services with `blobReader` as the CNN, on the Models view. */
async function started(
  columns: number,
  rows: number,
  display: Display,
  services: Partial<AppServices> = {},
  saved = { cnn: metadataFor('cnn'), vae: metadataFor('vae', 4, 20) },
) {
  const fakes = fakeServices(saved);
  const calls = { cnn: 0, vae: 0 };
  const base = { ...fakes.services, ...services };
  const counted: AppServices = {
    ...base,
    loadClassifier: async () => {
      const handle = await fakes.services.loadClassifier();
      return handle && { ...handle, classify: blobReader };
    },
    analyseClassifier: (...args) => {
      calls.cnn += 1;
      return base.analyseClassifier(...args);
    },
    analyseVae: (...args) => {
      calls.vae += 1;
      return base.analyseVae(...args);
    },
  };
  const store: Store = createStore(initialState({ columns, rows }, display, 'models'));
  const controller = createController({ store, services: counted, config: TEST_CONFIG });
  controllers.push(controller);
  await controller.boot();
  return { store, controller, fakes, calls };
}

const bothDone = (store: Store) => () =>
  store.getState().insight.cnn?.stage === 'done' && store.getState().insight.vae?.stage === 'done';

describe('the Models view insight', () => {
  for (const [columns, rows, display, name] of [
    [80, 24, BLOCKS, 'blocks'],
    [120, 40, BLOCKS, 'blocks'],
    [80, 24, ASCII, 'ascii'],
  ] as const) {
    it(`draws the CNN's matrix and mistakes, and on i the VAE's split and reconstructions, ${name} ${columns}x${rows}`, async () => {
      const { store, controller } = await started(columns, rows, display);
      await waitFor(bothDone(store), 'both insights');
      assertSnapshot(`models-cnn-insight-${name}-${columns}x${rows}`, screenOf(store.getState()));
      controller.run({ type: 'insight-switch' });
      assertSnapshot(`models-vae-insight-${name}-${columns}x${rows}`, screenOf(store.getState()));
    });
  }

  it('counts every test image once, and puts the surest mistake first', async () => {
    const { store } = await started(120, 40, BLOCKS);
    await waitFor(bothDone(store), 'both insights');
    const screen = screenOf(store.getState());
    assert.match(screen, /CNN on 300 test images: 95\.00% right/);
    // Each digit's row: 30 test images; 4 → 9 five times, so 4 is right 25 times.
    assert.match(screen, /\n4 +· +· +· +· +25 +· +· +· +· +5 +83\.3%/);
    assert.match(screen, /\n0 +30( +·){9} +100\.0%/);
    const captions = [...screen.matchAll(/\d → \d \d+%/g)].map((m) => m[0]);
    assert.deepEqual(captions.slice(0, 3), ['4 → 9 93%', '4 → 9 93%', '4 → 9 93%']);
    assert.ok(captions.includes('7 → 1 88%'));
  });

  it('shades right answers green and mistakes red, and draws no colour in ascii', async () => {
    const { store } = await started(80, 24, { ...BLOCKS, depth: 'truecolor' });
    await waitFor(bothDone(store), 'both insights');
    const raw = screenOf(store.getState(), true);
    // 4 → 4 is 25 of 30: green; 4 → 9 is 5 of 30: red, brighter than its share since it grows with the square root.
    assert.ok(
      raw.includes('\x1b[48;2;0;223;60m') || raw.includes(`\x1b[48;2;0;${Math.round(60 + 195 * (25 / 30))};60m`),
    );
    assert.ok(raw.includes(`\x1b[48;2;${Math.round(60 + 195 * Math.sqrt(5 / 30))};0;40m`), 'the mistakes in red');
    const { store: plain } = await started(80, 24, ASCII);
    await waitFor(bothDone(plain), 'both insights');
    assert.doesNotMatch(screenOf(plain.getState(), true), /\x1b\[48;/);
  });

  it('shows progress while it works, and works out each model once however often the view opens', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fakes = fakeServices();
    const { store, controller, calls } = await started(80, 24, BLOCKS, {
      async analyseClassifier(handle, test, options) {
        options.onProgress(100, test.count);
        await gate;
        return fakes.services.analyseClassifier(handle, test, options);
      },
    });
    await waitFor(() => store.getState().insight.cnn?.stage === 'computing', 'the CNN insight started');
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.run({ type: 'view', view: 'models' });
    assert.match(stripAnsi(screenOf(store.getState())), /Judging the CNN on the test set… (0|100)\/300 images/);
    release();
    await waitFor(bothDone(store), 'both insights');
    controller.run({ type: 'view', view: 'train' });
    controller.run({ type: 'view', view: 'models' });
    controller.run({ type: 'insight-switch' });
    controller.run({ type: 'insight-switch' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(calls, { cnn: 1, vae: 1 });
  });

  it('stops when the Models view is left, so other views keep the UI thread, and starts over on return', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fakes = fakeServices();
    const { store, controller, calls } = await started(80, 24, BLOCKS, {
      async analyseClassifier(handle, test, options) {
        options.onProgress(100, test.count);
        await gate;
        options.onProgress(200, test.count);
        return fakes.services.analyseClassifier(handle, test, options);
      },
    });
    await waitFor(() => store.getState().insight.cnn?.stage === 'computing', 'the CNN insight started');
    controller.run({ type: 'view', view: 'explore' });
    release();
    await waitFor(() => store.getState().insight.cnn === undefined, 'the work dropped');
    controller.run({ type: 'view', view: 'models' });
    await waitFor(bothDone(store), 'both insights');
    assert.deepEqual(calls, { cnn: 2, vae: 1 });
  });

  it('works a model out again once training saves a new copy, and only while the view is open', async () => {
    const { store, controller, fakes, calls } = await started(80, 24, BLOCKS);
    await waitFor(bothDone(store), 'both insights');
    controller.run({ type: 'train', models: ['cnn'] });
    await waitFor(() => fakes.sessions.length === 1, 'the session');
    const session = fakes.sessions[0]!;
    session.emit({
      event: 'start',
      model: 'cnn',
      epochs: 5,
      batchesPerEpoch: 4,
      trainImages: 600,
      backend: 'fake',
      workers: 1,
    });
    session.emit({
      event: 'epoch',
      model: 'cnn',
      epoch: 1,
      loss: 0.5,
      seconds: 1,
      imagesPerSecond: 600,
      testAccuracy: 0.9,
    });
    await waitFor(() => store.getState().models.cnn?.epochs === 1, 'the new copy loaded');
    assert.equal(calls.cnn, 1, 'not while the Train view is open');
    controller.run({ type: 'view', view: 'models' });
    await waitFor(() => store.getState().insight.cnn?.stage === 'done' && calls.cnn === 2, 'the new insight');
    assert.match(store.getState().insight.cnn!.key, / 1$/);
    assert.equal(calls.vae, 1);
    session.finish();
  });

  it('says in one line why an insight failed, and the app keeps running', async () => {
    const { store, controller } = await started(80, 24, BLOCKS, {
      analyseClassifier: async () => {
        throw new Error('out of memory\n  at somewhere');
      },
    });
    await waitFor(() => store.getState().insight.cnn?.stage === 'failed', 'the failure');
    assert.match(screenOf(store.getState()), /Cannot judge the CNN on the test set: out of memory\n/);
    controller.run({ type: 'insight-switch' });
    await waitFor(() => store.getState().insight.vae?.stage === 'done', 'the VAE insight');
    assert.match(screenOf(store.getState()), /reconstruction 131\.5 \+ KL 11\.7/);
  });

  it('shows the VAE first while only it is trained; i then says how to train the CNN', async () => {
    const { store, controller, calls } = await started(80, 24, BLOCKS, {}, { vae: metadataFor('vae', 4, 20) } as never);
    await waitFor(() => store.getState().insight.vae?.stage === 'done', 'the VAE insight');
    assert.match(screenOf(store.getState()), /VAE on 300 test images[^\n]*i: CNN\ntest −ELBO 143\.2 nats/);
    controller.run({ type: 'insight-switch' });
    assert.match(screenOf(store.getState()), /CNN · i: VAE\nNo CNN yet: press t to train one/);
    assert.equal(calls.cnn, 0);
  });

  it('leaves sixel boxes for the digits, each inside the panel', async () => {
    const { store, controller } = await started(120, 40, SIXEL);
    await waitFor(bothDone(store), 'both insights');
    const cnn = graphicsLayer(store.getState());
    assert.equal(cnn.length, 9, 'three by three mistakes at 120×40');
    assert.ok(cnn.every((item) => item.kind === 'digit' && item.col >= 62 && item.row + item.height <= 37));
    controller.run({ type: 'insight-switch' });
    const vae = graphicsLayer(store.getState());
    assert.equal(vae.length, 18, 'nine pairs');
  });

  it('keeps to the panel at the smallest size the app allows', async () => {
    const { store } = await started(60, 20, BLOCKS);
    await waitFor(bothDone(store), 'both insights');
    const screen = screenOf(store.getState());
    assert.ok(screen.split('\n').every((line) => [...line].length <= 60));
    assert.match(screen, /Keys/);
    assert.deepEqual(graphicsLayer(store.getState()), [], 'no room for mistakes beside the matrix');
  });
});

describe('sparkline', () => {
  it('draws each value at its height between the smallest and largest', () => {
    assert.equal(sparkline([3, 1, 2, 1.5], 10, false), '█▁▅▃');
    assert.equal(sparkline([3, 1, 2, 1.5], 10, true), '#_=-');
  });

  it('averages long histories down to its width, and draws a flat one low', () => {
    assert.equal(sparkline([4, 4, 2, 2, 0], 3, false), '█▅▁');
    assert.equal(sparkline([2, 2, 2], 5, false), '▁▁▁');
    assert.equal(sparkline([], 5, false), '');
  });
});

describe('analyseClassifier over the fake reader', () => {
  it('is what the snapshots show: 95% right', async () => {
    const { fakeMnist } = await import('./helpers/tui-fake-services.js');
    const { test } = fakeMnist();
    const pixels = new Float32Array(test.count * IMAGE_PIXELS).map((_, i) => test.images[i]! / 255);
    assert.equal(analyseClassifier(blobReader(pixels), test, 3).accuracy, 0.95);
  });
});

describe("README's Models view", () => {
  it('shows the frames the app draws: the ascii snapshots, verbatim', async () => {
    const { readFileSync } = await import('node:fs');
    const root = new URL('../../', import.meta.url);
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    for (const name of ['models-cnn-insight-ascii-80x24', 'models-vae-insight-ascii-80x24']) {
      const frame = readFileSync(new URL(`test/__snapshots__/${name}.txt`, root), 'utf8');
      assert.ok(readme.includes('```text\n' + frame + '```'), `README shows ${name}`);
    }
  });
});
