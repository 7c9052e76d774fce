import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createClassifier, createVae, saveModelSet } from '../src/ml/index.js';
import { loadNamedNumbers, type NamedNumber } from '../src/ml/new-numbers/index.js';
import { createMlServices, TUI_GRID_SIDE, type ScanProgress } from '../src/ui/background/index.js';
import { computeLayout, tileAt } from '../src/ui/layout/index.js';
import type { Display } from '../src/ui/state/index.js';
import { latentPoint } from '../src/ui/views/format.js';
import { graphicsLayer } from '../src/ui/views/index.js';
import {
  assertSnapshot,
  BLOCKS,
  FAKE_CANDIDATES,
  fakeCandidates,
  metadataFor,
  startApp,
  unmountAll,
  waitFor,
} from './helpers/tui-harness.js';
import { fakeMnist } from './helpers/tui-fake-services.js';

const ASCII: Display = { ...BLOCKS, graphics: 'ascii', colour: false };
const TRAINED = { cnn: metadataFor('cnn'), vae: metadataFor('vae') };
const ESC = '\x1b';
const CANDIDATES = fakeCandidates();

/** A number named earlier with the same VAE at the second candidate, and one named under a VAE since retrained. */
function namedBefore(): NamedNumber[] {
  return [
    { name: 'Zleven', z: CANDIDATES[1]!.z, vae: TRAINED.vae, cnn: TRAINED.cnn, namedAt: '2026-01-03T10:20:00.000Z' },
    {
      name: 'Twelf',
      z: [0.4, -0.6],
      vae: { ...TRAINED.vae, epochs: 1, date: '2025-12-31T23:00:00.000Z' },
      namedAt: '2026-01-04T11:30:00.000Z',
    },
  ];
}

afterEach(unmountAll);

/** The app with both models, on the New numbers view once its scan is done. */
async function gallery(options: Parameters<typeof startApp>[0] = {}) {
  const started = await startApp({ saved: { ...TRAINED }, ...options });
  started.stdin.type('5');
  await waitFor(() => started.store.getState().numbers.scan.stage === 'done', 'the scan');
  return started;
}

describe('New numbers', () => {
  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`shows the candidates and the named numbers, ${columns}x${rows}`, async () => {
      const { stdin, screen } = await gallery({ columns, rows, display: ASCII, named: namedBefore() });
      stdin.type('l');
      assertSnapshot(`numbers-${columns}x${rows}`, await screen());
    });
  }

  it('in half blocks the glyphs are drawn beside the frame, in colour', async () => {
    const { screen } = await gallery({ named: namedBefore() });
    assertSnapshot('numbers-blocks-80x24', await screen());
  });

  it('with sixel, each glyph on the page is a sixel image in its tile', async () => {
    const sixel: Display = { ...BLOCKS, graphics: 'sixel', cell: { width: 8, height: 16 } };
    const { store } = await gallery({ display: sixel });
    const layout = computeLayout({ columns: 80, rows: 24 }).numbers;
    const images = graphicsLayer(store.getState());
    assert.equal(images.length, layout.columns * layout.rows);
    images.forEach((image, slot) => {
      assert.equal(image.kind, 'digit');
      assert.deepEqual(
        { row: image.row, col: image.col, width: image.width, height: image.height },
        tileAt(layout, slot).thumb,
      );
      // 14 columns of 8 px and 7 rows of 16 px hold 28 pixels at scale 4.
      if (image.kind === 'digit') assert.equal(image.pixelScale, 4);
    });
  });

  it('says which model is missing and the key that trains it; nothing is scanned', async () => {
    const { stdin, store, scans, screen } = await startApp({ saved: { vae: TRAINED.vae } });
    stdin.type('5');
    assert.equal(store.getState().view, 'numbers');
    assert.match(await screen(), /no CNN yet \(t\s+trains it\)/);
    assert.equal(scans.length, 0);
    assertSnapshot('numbers-no-cnn-80x24', await screen());
  });

  it('the scan shows its progress and the app keeps answering while it runs', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { stdin, store, screen } = await startApp({
      saved: { ...TRAINED },
      services: {
        async discoverNewNumbers(_models, _test, { gridSide, onProgress }) {
          onProgress({ stage: 'scanning', done: 4096, total: gridSide ** 2 });
          await gate;
          return { candidates: CANDIDATES, points: gridSide ** 2 };
        },
      },
    });
    stdin.type('5');
    await waitFor(() => store.getState().numbers.scan.stage === 'scanning', 'the scan to start');
    assert.match(await screen(), /Scanning the latent plane… 4,096\/16,384 █████░{15}/);
    stdin.type('3');
    assert.equal(store.getState().view, 'explore', 'keys still answer mid-scan');
    stdin.type('5');
    release();
    await waitFor(() => store.getState().numbers.scan.stage === 'done', 'the scan');
    assert.match(await screen(), /12 glyphs the CNN cannot name, of 16,384 scanned/);
  });

  it('the scan runs once when the view opens, with the modest grid; r scans between its points', async () => {
    const { stdin, scans, store } = await gallery();
    assert.deepEqual(
      scans.map((s) => [s.gridSide, s.seed]),
      [[TUI_GRID_SIDE, 42]],
    );
    stdin.type('1', '5');
    assert.equal(scans.length, 1, 'reopening keeps the scan');
    stdin.type('r');
    await waitFor(() => store.getState().numbers.scan.stage === 'done', 'the rescan');
    assert.deepEqual(
      scans.map((s) => s.seed),
      [42, 43],
    );
  });

  it('arrows and hjkl select across and down, a page at a time; Enter opens the glyph in Explore', async () => {
    const { stdin, store, screen } = await gallery({ display: ASCII });
    const { columns } = computeLayout({ columns: 80, rows: 24 }).numbers;
    const picks: number[] = [];
    for (const key of ['l', `${ESC}[C`, 'j', `${ESC}[B`, 'k', 'h', `${ESC}[D`, `${ESC}[A`]) {
      stdin.type(key);
      picks.push(store.getState().numbers.selected);
    }
    // Down from a row above a shorter one lands on the last glyph.
    const last = FAKE_CANDIDATES - 1;
    assert.deepEqual(picks, [1, 2, 2 + columns, last, last - columns, last - columns - 1, last - columns - 2, 0]);
    stdin.type('j', 'j', 'j');
    assert.equal(store.getState().numbers.selected, FAKE_CANDIDATES - 1, 'the selection stops at the last glyph');
    assert.match(await screen(), /page 2\/2/);
    assert.match(await screen(), /\[#12\]/);
    stdin.type('h', 'k', 'k', 'l', '\r');
    const chosen = CANDIDATES[last - 1 - 2 * columns + 1]!;
    assert.equal(store.getState().view, 'explore');
    assert.deepEqual(store.getState().explorer.cursor, chosen.z);
    assert.match(await screen(), new RegExp(`z = ${latentPoint(chosen.z).replace(/[()+]/g, '\\$&')}`));
  });

  it('a click on a glyph selects it', async () => {
    const { stdin, store } = await gallery();
    const { thumb, caption } = tileAt(computeLayout({ columns: 80, rows: 24 }).numbers, 3);
    stdin.type(`${ESC}[<0;${thumb.col + 3};${thumb.row + 2}M`);
    assert.equal(store.getState().numbers.selected, 3);
    stdin.type(`${ESC}[<0;${caption.col + 1};${caption.row + 1}M`);
    assert.equal(store.getState().numbers.selected, 3, 'the caption belongs to the tile');
    stdin.type(`${ESC}[<0;${thumb.col + thumb.width + 1};${thumb.row + 1}M`);
    assert.equal(store.getState().numbers.selected, 3, 'between tiles is nothing');
  });

  it('n names the selected glyph: every key types, Backspace edits, Enter saves through the service, Esc cancels', async () => {
    const { stdin, store, named, screen } = await gallery({ display: ASCII });
    stdin.type('l', 'l', 'n');
    stdin.type('Z', 'q', '5', '?', '\x7f', '\x7f', '\x7f', 'l', 'e', 'v', 'e', 'n');
    assert.equal(store.getState().numbers.naming, 'Zleven');
    assert.equal(store.getState().view, 'numbers', 'q, 5 and ? were typed, not obeyed');
    assert.match(await screen(), /Name: Zleven_ {2}Enter saves · Esc cancels/);
    stdin.type('\r');
    await waitFor(() => store.getState().numbers.naming === undefined, 'the save');
    assert.deepEqual(
      named.map((n) => [n.name, n.z, n.vae.date, n.cnn?.date]),
      [['Zleven', CANDIDATES[2]!.z, TRAINED.vae.date, TRAINED.cnn.date]],
    );
    const text = await screen();
    assert.match(text, /\[Zleven\]/);
    assert.match(text, /Named Zleven, saved in models\/new-numbers\.json\./);

    stdin.type('n');
    assert.match(await screen(), /This one is named Zleven already\./);
    stdin.type('l', 'n', 'z', 'L', 'E', 'V', 'E', 'N', '\r');
    await waitFor(() => /is taken/.test(store.getState().message ?? ''), 'the refusal');
    assert.equal(store.getState().numbers.naming, 'zLEVEN', 'a refused name stays open to fix');
    stdin.type(ESC);
    await waitFor(() => store.getState().numbers.naming === undefined, 'Escape');
    assert.equal(named.length, 1);
    assert.equal(store.getState().numbers.selected, 3);
  });

  it('a name given in the app is in models/new-numbers.json and back after a restart', async () => {
    const modelsDir = await mkdtemp(path.join(tmpdir(), 'mnist-tui-names-'));
    try {
      const real = createMlServices({ backend: 'cpu', dataDir: undefined, limit: undefined, modelsDir });
      const services = { loadNamedNumbers: real.loadNamedNumbers, saveNamedNumber: real.saveNamedNumber };
      const first = await gallery({ services, modelsDir });
      first.stdin.type('j', 'n', ...'Zleven', '\r');
      await waitFor(() => /^Named Zleven/.test(first.store.getState().message ?? ''), 'the save');
      first.instance.unmount();

      const saved = await loadNamedNumbers(modelsDir);
      const chosen = CANDIDATES[computeLayout({ columns: 80, rows: 24 }).numbers.columns]!;
      assert.deepEqual(
        saved.map((n) => [n.name, n.z, n.vae.date, n.cnn?.model]),
        [['Zleven', chosen.z, TRAINED.vae.date, 'cnn']],
      );

      const second = await startApp({ saved: { ...TRAINED }, services, modelsDir });
      assert.deepEqual(
        second.store.getState().numbers.items.map((item) => [item.name, item.z, item.otherVae]),
        [['Zleven', chosen.z, false]],
        'named numbers show before any scan',
      );
      second.stdin.type('5');
      await waitFor(() => second.store.getState().numbers.scan.stage === 'done', 'the scan');
      const items = second.store.getState().numbers.items;
      assert.equal(items.length, FAKE_CANDIDATES, 'the named one is found again, not listed twice');
      assert.deepEqual(items.find((item) => item.name === 'Zleven')?.candidate, chosen);
      assert.match(await second.screen(), / Zleven /);
    } finally {
      await rm(modelsDir, { recursive: true, force: true });
    }
  });

  it('a name with a hidden character is refused in one line, shown spelt out while typed, and not saved', async () => {
    const modelsDir = await mkdtemp(path.join(tmpdir(), 'mnist-tui-names-'));
    try {
      const real = createMlServices({ backend: 'cpu', dataDir: undefined, limit: undefined, modelsDir });
      const services = { loadNamedNumbers: real.loadNamedNumbers, saveNamedNumber: real.saveNamedNumber };
      const { stdin, store, screen } = await gallery({ services, modelsDir, display: ASCII });
      stdin.type('n', 'a', 'b', '\u202E', 'c', 'd');
      assert.match(await screen(), /Name: ab<U\+202E>cd_ {2}Enter saves/);
      stdin.type('\r');
      await waitFor(() => /found U\+202E/.test(store.getState().message ?? ''), 'the refusal');
      assert.ok(!(store.getState().message ?? '').includes('\n'));
      assert.equal(store.getState().numbers.naming, 'ab\u202Ecd', 'a refused name stays open to fix');
      assert.deepEqual(await loadNamedNumbers(modelsDir), []);
    } finally {
      await rm(modelsDir, { recursive: true, force: true });
    }
  });

  it('the TensorFlow.js services scan with the saved models, reporting both stages between yields', async () => {
    const modelsDir = await mkdtemp(path.join(tmpdir(), 'mnist-tui-scan-'));
    try {
      const services = createMlServices({ backend: 'cpu', dataDir: undefined, limit: undefined, modelsDir });
      await services.initBackend();
      const { encoder, decoder } = createVae({ latentDim: 2, seed: 1 });
      await saveModelSet(modelsDir, 'vae', { encoder, decoder }, TRAINED.vae);
      await saveModelSet(modelsDir, 'cnn', { model: createClassifier(1) }, TRAINED.cnn);
      const vae = (await services.loadVae())!;
      const classifier = (await services.loadClassifier())!;
      const seen: ScanProgress[] = [];
      const { test } = fakeMnist();
      const result = await services.discoverNewNumbers({ vae, classifier }, test, {
        gridSide: 8,
        seed: 1,
        onProgress: (progress) => seen.push(progress),
      });
      assert.deepEqual(seen.at(0), { stage: 'encoding', done: test.count, total: test.count });
      assert.deepEqual(seen.at(-1), { stage: 'scanning', done: 64, total: 64 });
      assert.equal(result.points, 64);
      for (const candidate of result.candidates) assert.equal(candidate.z.length, 2);
      const stranger = { ...vae };
      await assert.rejects(
        services.discoverNewNumbers({ vae: stranger, classifier }, test, { gridSide: 8, seed: 1, onProgress() {} }),
        /not loaded by this app/,
      );
      vae.dispose();
      classifier.dispose();
    } finally {
      await rm(modelsDir, { recursive: true, force: true });
    }
  });
});
