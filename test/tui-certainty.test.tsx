/**
 * The explorer's additions: the certainty map (`u`), computed in slices by
 * the app over fake models whose confidence varies across the plane, drawn
 * in its legend's colours with the new numbers marked, kept per grid and
 * recomputed for new models; the cursor cell against every colour of both
 * maps; the probability bars; and the store's deferred background frames.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from '../src/data/index.js';
import { cellCentres, topProbabilities } from '../src/ml/new-numbers/certainty-map.js';
import type { ColourDepth } from '../src/render/index.js';
import type { AppServices } from '../src/ui/background/index.js';
import { createController } from '../src/ui/app/index.js';
import { keyCommand, KEY_HELP } from '../src/ui/keymap/index.js';
import { cellOf, computeLayout, LATENT_EXTENT, pointAt } from '../src/ui/layout/index.js';
import {
  createStore,
  initialState,
  type AppState,
  type CertaintyMap,
  type Display,
  type Store,
} from '../src/ui/state/index.js';
import { graphicsLayer } from '../src/ui/views/index.js';
import { certaintyBand, certaintyColour, certaintyRgb, CERTAINTY_BANDS } from '../src/ui/views/certainty-palette.js';
import { brightness } from '../src/ui/views/contrast.js';
import { digitColour, digitRgb, type Rgb } from '../src/ui/views/digit-palette.js';
import { renderLatentMap } from '../src/ui/views/latent-map.js';
import {
  assertSnapshot,
  BLOCKS,
  fakeServices,
  metadataFor,
  screenOf,
  unmountAll,
  TEST_CONFIG,
  waitFor,
} from './helpers/tui-harness.js';

after(unmountAll);

/** The column of an image's centre of ink, in pixels. */
function inkColumn(image: Float32Array): number {
  let mass = 0;
  let x = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    mass += image[i]!;
    x += image[i]! * (i % IMAGE_SIDE);
  }
  return mass === 0 ? IMAGE_SIDE / 2 : x / mass;
}

/** A CNN that reads 0, surer the further right the ink sits: from about 40% at the left of the plane to 98% at the right. */
function unsureClassify(pixels: Float32Array): Float32Array {
  const count = pixels.length / IMAGE_PIXELS;
  const out = new Float32Array(count * NUM_CLASSES);
  for (let n = 0; n < count; n++) {
    const top = Math.min(0.98, 0.2 + (0.8 * inkColumn(pixels.subarray(n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS))) / 22);
    out.fill((1 - top) / 9, n * NUM_CLASSES, (n + 1) * NUM_CLASSES);
    out[n * NUM_CLASSES] = top;
  }
  return out;
}

/** A started app whose CNN is `unsureClassify`, counting the images it classifies. */
async function started(columns: number, rows: number, display: Display = BLOCKS) {
  const fakes = fakeServices({ cnn: metadataFor('cnn'), vae: metadataFor('vae', 4, 20) });
  const counter = { classified: 0 };
  const services: AppServices = {
    ...fakes.services,
    async loadClassifier() {
      const handle = await fakes.services.loadClassifier();
      return (
        handle && {
          ...handle,
          classify: (pixels: Float32Array) => {
            counter.classified += pixels.length / IMAGE_PIXELS;
            return unsureClassify(pixels);
          },
        }
      );
    },
  };
  // Posted progress is told to listeners at the next turn rather than within 100 ms, so the
  // test sees it part way however fast the machine computes the map.
  const nextTurn = (task: () => void) => {
    let cancelled = false;
    queueMicrotask(() => cancelled || task());
    return { cancel: () => (cancelled = true) };
  };
  const store: Store = createStore(initialState({ columns, rows }, display, 'models'), nextTurn);
  const controller = createController({ store, services, config: TEST_CONFIG });
  await controller.boot();
  await waitFor(() => store.getState().explorer.encoded === 300, 'the latent map');
  const vae = (await fakes.services.loadVae())!;
  return { store, controller, fakes, counter, vae };
}

/** Each character of a styled line with its foreground and background SGR parameters. */
function styledCells(line: string): { char: string; fg?: string; bg?: string }[] {
  const out: { char: string; fg?: string; bg?: string }[] = [];
  let fg: string | undefined;
  let bg: string | undefined;
  for (const part of line.split(/(\x1b\[[\d;]*m)/)) {
    const sgr = /^\x1b\[([\d;]*)m$/.exec(part);
    if (sgr === null) {
      for (const char of part) out.push({ char, fg, bg });
      continue;
    }
    const codes = sgr[1] === '' ? ['0'] : sgr[1]!.split(';');
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code === '0') fg = bg = undefined;
      else if (code === '38' || code === '48') {
        const length = codes[i + 1] === '5' ? 3 : 5;
        const colour = codes.slice(i, i + length).join(';');
        if (code === '38') fg = colour;
        else bg = colour;
        i += length - 1;
      }
    }
  }
  return out;
}

const waitForMap = (store: Store) =>
  waitFor(
    () => {
      const { certainty, certaintyProgress } = store.getState().explorer;
      return certainty !== undefined && certaintyProgress === undefined;
    },
    'the certainty map',
    20_000,
  );

describe('the certainty map', () => {
  it('u colours the map by how sure the CNN is of each glyph, computed in slices, with the new numbers marked', async () => {
    const { store, controller, fakes, vae } = await started(80, 24);
    // The scan of the New numbers view finds the fake candidates.
    controller.run({ type: 'view', view: 'numbers' });
    await waitFor(() => store.getState().numbers.scan.stage === 'done', 'the scan');
    controller.run({ type: 'view', view: 'explore' });
    const progress: number[] = [];
    const unsubscribe = store.subscribe(() => {
      const shown = store.getState().explorer.certaintyProgress;
      if (shown !== undefined) progress.push(shown.done);
    });
    controller.run({ type: 'map-layer' });
    assert.equal(store.getState().explorer.layer, 'certainty');
    await waitForMap(store);
    unsubscribe();

    const { map } = computeLayout(store.getState().size).explore;
    const grid = { columns: map.width, rows: map.height * 2 };
    const certainty = store.getState().explorer.certainty!;
    assert.deepEqual([certainty.columns, certainty.rows], [grid.columns, grid.rows], 'one value per half cell');
    const total = grid.columns * grid.rows;
    assert.ok(
      progress.some((done) => done > 0 && done < total),
      `progress was shown part way: ${progress}`,
    );
    const expected = topProbabilities(
      unsureClassify(vae.decode(cellCentres({ ...grid, extent: LATENT_EXTENT }, 0, total))),
    );
    assert.deepEqual(certainty.values, expected, 'each value is the CNN on the glyph at its cell centre');
    const bands = new Set(Array.from(certainty.values, certaintyBand));
    assert.ok(bands.size >= 3, `several bands show: ${[...bands]}`);

    // Every half cell is drawn in its band's colour, but where the cursor and the marks sit.
    const state = store.getState();
    const [drawn] = graphicsLayer(state);
    assert.ok(drawn?.kind === 'text');
    const cells = { columns: map.width, rows: map.height };
    const marks = state.numbers.items.map((item) => cellOf(item.z, cells)!);
    assert.ok(fakes.scans.length > 0 && marks.length > 0, 'the scan found new numbers to mark');
    const cursor = cellOf(state.explorer.cursor, cells)!;
    drawn.lines.forEach((line, row) => {
      styledCells(line).forEach(({ char, fg, bg }, col) => {
        if (col === cursor.col && row === cursor.row) return assert.equal(char, '╋');
        if (marks.some((m) => m.col === col && m.row === row))
          return assert.equal(char, '◆', `a mark at ${col},${row}`);
        assert.equal(char, '▀');
        const band = (r: number) => certaintyBand(certainty.values[r * grid.columns + col]!);
        assert.equal(fg, certaintyColour(band(2 * row), '256', 'fg'), `upper half at ${col},${row}`);
        assert.equal(bg, certaintyColour(band(2 * row + 1), '256', 'bg'), `lower half at ${col},${row}`);
      });
    });
    assertSnapshot('explore-certainty-80x24', screenOf(state));
  });

  it('is kept per grid, and recomputed when a model changes while the last one stays shown', async () => {
    const { store, controller, fakes, counter } = await started(80, 24);
    controller.run({ type: 'view', view: 'explore' });
    controller.run({ type: 'map-layer' });
    await waitForMap(store);
    const first = store.getState().explorer.certainty!;
    const classified = counter.classified;

    controller.run({ type: 'map-layer' });
    assert.equal(store.getState().explorer.layer, 'digits');
    controller.run({ type: 'map-layer' });
    await waitForMap(store);
    assert.equal(store.getState().explorer.certainty, first, 'switching back shows the same map');
    assert.equal(counter.classified, classified, 'without classifying again');

    store.dispatch({ type: 'resize', size: { columns: 120, rows: 40 } });
    await waitForMap(store);
    const wide = computeLayout({ columns: 120, rows: 40 }).explore.map;
    assert.deepEqual(
      [store.getState().explorer.certainty!.columns, store.getState().explorer.certainty!.rows],
      [wide.width, wide.height * 2],
      'a new size gets a map on its own grid',
    );
    const afterResize = counter.classified;
    assert.ok(afterResize > classified);
    store.dispatch({ type: 'resize', size: { columns: 80, rows: 24 } });
    await waitForMap(store);
    assert.equal(store.getState().explorer.certainty, first, 'the old size is still cached');
    assert.equal(counter.classified, afterResize);

    // A training epoch saves a new CNN, which the app loads: the map is computed again.
    const states: AppState[] = [];
    const unsubscribe = store.subscribe(() => states.push(store.getState()));
    controller.run({ type: 'train', models: ['cnn'] });
    await waitFor(() => fakes.sessions.length === 1, 'the session');
    assert.equal(fakes.sessions[0]!.options.niceness, 10, "the app's training runs at a lower priority");
    fakes.sessions[0]!.emit({ event: 'epoch', model: 'cnn', epoch: 1, loss: 0.5, seconds: 1, imagesPerSecond: 100 });
    await waitFor(() => counter.classified > afterResize + 100, 'the new CNN at work');
    controller.run({ type: 'view', view: 'explore' });
    await waitForMap(store);
    unsubscribe();
    assert.notEqual(store.getState().explorer.certainty, first, 'a new map for the new model');
    const during = states.filter((s) => s.explorer.certaintyProgress !== undefined);
    assert.ok(during.length > 0, 'progress was shown');
    assert.ok(
      during.every((s) => s.explorer.certainty === first),
      'the last map stays shown until the new one is whole',
    );
    fakes.sessions[0]!.finish();
    await controller.quit(0);
  });

  it('says so without a CNN, and leaves the map blank rather than showing the digits', async () => {
    const fakes = fakeServices({ vae: metadataFor('vae', 4, 20) });
    const store = createStore(initialState({ columns: 80, rows: 24 }, BLOCKS, 'models'));
    const controller = createController({ store, services: fakes.services, config: TEST_CONFIG });
    await controller.boot();
    await waitFor(() => store.getState().explorer.encoded === 300, 'the latent map');
    controller.run({ type: 'view', view: 'explore' });
    controller.run({ type: 'map-layer' });
    const screen = screenOf(store.getState());
    assert.match(screen, /needs a CNN: t trains one/);
    const [drawn] = graphicsLayer(store.getState());
    assert.ok(drawn?.kind === 'text');
    const colours = new Set(
      drawn.lines.flatMap((line) =>
        styledCells(line)
          .filter((c) => c.char === '▀')
          .map((c) => c.fg),
      ),
    );
    assert.deepEqual([...colours], [digitColour(-1, '256', 'fg')], 'only the empty colour');
  });

  it('u switches the layer in Explore only, and the help lists it', () => {
    const state = initialState({ columns: 80, rows: 24 }, BLOCKS, 'models');
    const u = { name: 'char', char: 'u', shift: false, ctrl: false } as const;
    assert.deepEqual(keyCommand({ ...state, view: 'explore' }, u), { type: 'map-layer' });
    for (const view of ['models', 'train', 'draw', 'numbers'] as const) {
      assert.equal(keyCommand({ ...state, view }, u), undefined, view);
    }
    const explore = KEY_HELP.find((s) => s.section === 'Explore')!;
    assert.ok(explore.keys.some(([key]) => key === 'u'));
  });
});

describe('the cursor cell', () => {
  /** The cursor's cell of a 6×3 map whose every spot has colour `spot`: its glyph and colours. */
  function cursorOn(certainty: CertaintyMap | undefined, digit: number, depth: ColourDepth) {
    const grid = { columns: 6, rows: 6 };
    const count = grid.columns * grid.rows;
    const points = new Float32Array(count * 2);
    for (let cell = 0; cell < count; cell++) points.set(pointAt(cell % 6, Math.floor(cell / 6), grid), 2 * cell);
    const display: Display = { ...BLOCKS, depth };
    const lines = renderLatentMap({
      width: 6,
      height: 3,
      data: { points, labels: new Uint8Array(count).fill(digit), count },
      certainty,
      cursor: [0, 0],
      display,
    });
    const cells = lines.flatMap((line) => styledCells(line));
    const cursor = cells.filter((c) => c.char === '╋');
    assert.equal(cursor.length, 1, 'one cursor');
    return cursor[0]!;
  }

  const BLACK = { '256': ['38;5;16', '48;5;16'], truecolor: ['38;2;0;0;0', '48;2;0;0;0'] };
  const WHITE = { '256': ['38;5;231', '48;5;231'], truecolor: ['38;2;255;255;255', '48;2;255;255;255'] };

  /** The cursor fills its cell with black or white, far in brightness from what it covers, and draws in the other. */
  function assertStandsOut(cell: { fg?: string; bg?: string }, under: Rgb, depth: ColourDepth, what: string) {
    const black = cell.bg === BLACK[depth][1];
    assert.ok(black || cell.bg === WHITE[depth][1], `${what}: the cell is black or white (${cell.bg})`);
    assert.equal(cell.fg, (black ? WHITE : BLACK)[depth][0], `${what}: the glyph in the other`);
    const paper = black ? 0 : 1;
    assert.ok(Math.abs(paper - brightness(under)) >= 0.4, `${what}: brightness ${brightness(under)} against ${paper}`);
  }

  for (const depth of ['256', 'truecolor'] as const) {
    it(`stands out on every digit colour and every certainty band (${depth})`, () => {
      const digitColours = [...Array(10).keys(), -1].map((d) => digitColour(d, depth, 'bg'));
      const bandColours = [...Array(CERTAINTY_BANDS).keys()].map((b) => certaintyColour(b, depth, 'bg'));
      for (let digit = 0; digit < 10; digit++) {
        const cell = cursorOn(undefined, digit, depth);
        assertStandsOut(cell, digitRgb(digit), depth, `digit ${digit}`);
        assert.ok(![...digitColours, ...bandColours].includes(cell.bg!), `digit ${digit}: no map colour`);
      }
      const empty = cursorOn({ columns: 0, rows: 0, values: new Float32Array() }, 0, depth);
      assertStandsOut(empty, digitRgb(-1), depth, 'not computed');
      const probabilities = [0.3, 0.6, 0.8, 0.95, 0.995];
      probabilities.forEach((p, band) => {
        assert.equal(certaintyBand(p), band);
        const certainty = { columns: 6, rows: 6, values: new Float32Array(36).fill(p) };
        const cell = cursorOn(certainty, 0, depth);
        assertStandsOut(cell, certaintyRgb(band), depth, `band ${band}`);
        assert.ok(![...digitColours, ...bandColours].includes(cell.bg!), `band ${band}: no map colour`);
      });
    });
  }
});

describe('the probability bars', () => {
  it('one bar a row where ten rows fit, the top one marked', async () => {
    const { store, controller } = await started(100, 50);
    controller.run({ type: 'view', view: 'explore' });
    controller.run({ type: 'point', z: [1, 0.5] });
    const screen = screenOf(store.getState());
    const bars = screen.split('\n').filter((line) => /[ >]\d [█░]+ +\d+%$/.test(line));
    assert.equal(bars.length, 10, screen);
    const probabilities = store.getState().explorer.probabilities!;
    const top = probabilities.indexOf(Math.max(...probabilities));
    assert.deepEqual(
      bars.map((line) => / ([ >])(\d) /.exec(line.slice(-40))!.slice(1).join('')),
      Array.from({ length: 10 }, (_, d) => `${d === top ? '>' : ' '}${d}`),
    );
    bars.forEach((line, d) => assert.ok(line.endsWith(`${Math.round(probabilities[d]! * 100)}%`), line));
    assertSnapshot('explore-100x50', screen);
  });
});

describe('the store', () => {
  it('shows posted actions once, a frame later, unless a dispatch shows them first', () => {
    const tasks: (() => void)[] = [];
    let cancelled = 0;
    const store = createStore(initialState({ columns: 80, rows: 24 }, BLOCKS, 'models'), (task) => {
      tasks.push(task);
      return { cancel: () => void (cancelled += 1) };
    });
    let notified = 0;
    store.subscribe(() => (notified += 1));
    store.post({ type: 'backend', name: 'a' });
    store.post({ type: 'backend', name: 'b' });
    assert.equal(store.getState().backend, 'b', 'the state changes at once');
    assert.equal(notified, 0, 'but nothing is drawn yet');
    assert.equal(tasks.length, 1, 'one frame is scheduled for both');
    tasks.shift()!();
    assert.equal(notified, 1);
    store.post({ type: 'backend', name: 'c' });
    store.dispatch({ type: 'help', open: true });
    assert.equal(notified, 2, 'a dispatch draws at once, posted changes included');
    assert.equal(cancelled, 1, 'and the scheduled frame is dropped');
  });
});
