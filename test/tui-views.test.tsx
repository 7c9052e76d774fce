import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createController } from '../src/ui/app/index.js';
import { createStore, initialState, type Display, type Store } from '../src/ui/state/index.js';
import { graphicsLayer, Screen } from '../src/ui/views/index.js';
import {
  assertSnapshot,
  BLOCKS,
  fakeServices,
  metadataFor,
  renderInk,
  screenOf,
  unmountAll,
  TEST_CONFIG,
  waitFor,
} from './helpers/tui-harness.js';
import { describeColourMap } from './helpers/colour-map.js';

const ASCII: Display = { ...BLOCKS, graphics: 'ascii', colour: false };
const SIZES = [
  [80, 24],
  [120, 40],
] as const;

after(unmountAll);

/** A started app over fake services, with the latent map fully encoded. */
async function started(columns: number, rows: number, display: Display, trained = true) {
  const fakes = fakeServices(trained ? { cnn: metadataFor('cnn'), vae: metadataFor('vae', 4, 20) } : {});
  const store: Store = createStore(initialState({ columns, rows }, display, 'models'));
  const controller = createController({ store, services: fakes.services, config: TEST_CONFIG });
  await controller.boot();
  if (trained) await waitFor(() => store.getState().explorer.encoded === 300, 'the latent map');
  return { store, controller, fakes };
}

describe('views at fixed sizes', () => {
  for (const [columns, rows] of SIZES) {
    const size = `${columns}x${rows}`;

    it(`Models without models, ${size}`, async () => {
      const { store } = await started(columns, rows, BLOCKS, false);
      assertSnapshot(`models-empty-${size}`, screenOf(store.getState()));
    });

    it(`Models with both models, ${size}`, async () => {
      const { store } = await started(columns, rows, BLOCKS);
      const done = () => store.getState().insight;
      await waitFor(() => done().cnn?.stage === 'done' && done().vae?.stage === 'done', 'the insight');
      assertSnapshot(`models-trained-${size}`, screenOf(store.getState()));
    });

    it(`train while the CNN trains, ${size}`, async () => {
      const { store, controller, fakes } = await started(columns, rows, BLOCKS, false);
      controller.run({ type: 'train', models: ['cnn', 'vae'] });
      await waitFor(() => fakes.sessions.length === 1, 'the session');
      const session = fakes.sessions[0]!;
      session.emit({
        event: 'start',
        model: 'cnn',
        epochs: 3,
        batchesPerEpoch: 40,
        trainImages: 600,
        backend: 'fake',
        workers: 1,
      });
      for (let batch = 5; batch <= 40 * 2 + 15; batch += 5) {
        const epoch = Math.floor((batch - 1) / 40) + 1;
        const loss = 2.3 * Math.exp(-batch / 30) + 0.05 * Math.sin(batch);
        session.emit({
          event: 'batch',
          model: 'cnn',
          epoch,
          batch: ((batch - 1) % 40) + 1,
          batchesPerEpoch: 40,
          loss,
          imagesPerSecond: 1234.5,
          etaSeconds: 83,
        });
        if (batch % 40 === 0) {
          session.emit({
            event: 'epoch',
            model: 'cnn',
            epoch,
            loss,
            seconds: 2,
            imagesPerSecond: 1200,
            testAccuracy: 0.9 + epoch / 100,
          });
        }
      }
      controller.run({ type: 'pause' });
      assertSnapshot(`train-running-${size}`, screenOf(store.getState()));
    });

    it(`explore with the cursor moved, ${size}`, async () => {
      const { store, controller } = await started(columns, rows, BLOCKS);
      controller.run({ type: 'view', view: 'explore' });
      controller.run({ type: 'move', dx: 1.5, dy: -0.5 });
      assertSnapshot(`explore-${size}`, screenOf(store.getState()));
    });

    it(`explore in plain characters, ${size}`, async () => {
      const { store, controller } = await started(columns, rows, ASCII);
      controller.run({ type: 'view', view: 'explore' });
      assertSnapshot(`explore-ascii-${size}`, screenOf(store.getState()));
    });

    it(`draw with a stroke, ${size}`, async () => {
      const { store, controller } = await started(columns, rows, ASCII);
      controller.run({ type: 'view', view: 'draw' });
      controller.run({ type: 'pen-toggle' });
      for (let i = 0; i < 8; i++) controller.run({ type: 'pen-move', dx: 0, dy: 1 });
      assertSnapshot(`draw-${size}`, screenOf(store.getState()));
    });

    it(`help, ${size}`, async () => {
      const { store, controller } = await started(columns, rows, BLOCKS);
      controller.run({ type: 'help', open: true });
      assertSnapshot(`help-${size}`, screenOf(store.getState()));
    });
  }

  it('a window below 60×20 says it is too small', async () => {
    const { store } = await started(59, 30, BLOCKS);
    assertSnapshot('too-small-59x30', screenOf(store.getState()));
  });

  it('explore colours each spot of the latent map as its legend colours the digit, 80x24', async () => {
    // The other snapshots drop colour, and on this map colour is what tells the digits apart.
    const { store, controller } = await started(80, 24, BLOCKS);
    controller.run({ type: 'view', view: 'explore' });
    controller.run({ type: 'move', dx: 1.5, dy: -0.5 });
    const state = store.getState();
    const { lastFrame } = renderInk(<Screen state={state} />, 80, 24);
    const legend = lastFrame()
      .split('\n')
      .find((line) => line.includes('cursor'));
    const [map] = graphicsLayer(state);
    assert.ok(legend !== undefined, 'the legend is on screen');
    assert.ok(map?.kind === 'text', 'the map is drawn as text');
    assertSnapshot('explore-colour-80x24', describeColourMap(legend, map.lines));
  });

  it('the minimum window, 60×20, still shows the explorer', async () => {
    const { store, controller } = await started(60, 20, BLOCKS);
    controller.run({ type: 'view', view: 'explore' });
    assertSnapshot('explore-60x20', screenOf(store.getState()));
  });
});
