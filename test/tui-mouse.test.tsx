import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { computeLayout, pointAt } from '../src/ui/layout/index.js';
import { IMAGE_SIDE } from '../src/data/index.js';
import { metadataFor, startApp, unmountAll, waitFor } from './helpers/tui-harness.js';

const TRAINED = { cnn: metadataFor('cnn'), vae: metadataFor('vae') };
const { map } = computeLayout({ columns: 80, rows: 24 }).explore;
const { canvas } = computeLayout({ columns: 80, rows: 24 }).draw;

/** An SGR (1006) report for 0-based cell (x, y); `code` 35 is a hover, 0 a left press, 32 a left drag, 34 a right drag. */
function report(code: number, x: number, y: number, release = false): string {
  return `\x1b[<${code};${x + 1};${y + 1}${release ? 'm' : 'M'}`;
}
const hover = (x: number, y: number) => report(35, x, y);

afterEach(unmountAll);

async function explorer() {
  const started = await startApp({ saved: TRAINED });
  started.stdin.type('3');
  return started;
}

function mapPoint(col: number, row: number) {
  return pointAt(col, row, { columns: map.width, rows: map.height });
}

describe('mouse', () => {
  it('hovering over the map moves the cursor to that cell and redraws the digit', async () => {
    const { stdin, store, screen } = await explorer();
    const before = store.getState().explorer.digit;
    stdin.type(hover(map.col + 5, map.row + 2));
    assert.deepEqual(store.getState().explorer.cursor, mapPoint(5, 2));
    assert.notEqual(store.getState().explorer.digit, before);
    const [x, y] = mapPoint(5, 2);
    assert.match(await screen(), new RegExp(`z = \\(${x.toFixed(2)}, \\+${y.toFixed(2)}\\)`));
  });

  it('a click sets the cursor too; a hover off the map does nothing', async () => {
    const { stdin, store } = await explorer();
    stdin.type(
      report(0, map.col + map.width - 1, map.row + map.height - 1),
      report(0, map.col + map.width - 1, map.row + map.height - 1, true),
    );
    assert.deepEqual(store.getState().explorer.cursor, mapPoint(map.width - 1, map.height - 1));
    stdin.type(hover(map.col + map.width + 10, map.row));
    assert.deepEqual(store.getState().explorer.cursor, mapPoint(map.width - 1, map.height - 1));
  });

  it('reports split across reads are put back together, with no stray keys', async () => {
    const { stdin, store } = await explorer();
    // A tail of "0;5M" would otherwise read as the 0 key, which recentres.
    stdin.type('\x1b[<35;1', '0;5M');
    assert.deepEqual(store.getState().explorer.cursor, mapPoint(9, 2));
    stdin.type('\x1b', '[<35;2;5M');
    assert.deepEqual(store.getState().explorer.cursor, mapPoint(1, 2));
    stdin.type('\x1b[<', '35;3', ';5', 'M');
    assert.deepEqual(store.getState().explorer.cursor, mapPoint(2, 2));
    assert.equal(store.getState().view, 'explore');
    assert.equal(store.getState().help, false);
  });

  it('the keyboard keeps working around mouse reports in the same read', async () => {
    const { stdin, store } = await explorer();
    stdin.type(`${hover(map.col + 4, map.row + 3)}l${hover(map.col + 6, map.row + 3)}k`);
    const [x, y] = mapPoint(6, 3);
    assert.deepEqual(
      store.getState().explorer.cursor.map((v) => v.toFixed(2)),
      [x.toFixed(2), (y + 0.1).toFixed(2)],
    );
    stdin.type('2');
    assert.equal(store.getState().view, 'train');
  });

  it('clicking a tab switches to it', async () => {
    const { stdin, store } = await explorer();
    const { tabs } = computeLayout({ columns: 80, rows: 24 });
    const draw = tabs.find((tab) => tab.view === 'draw')!;
    stdin.type(report(0, draw.rect.col + 1, 0));
    assert.equal(store.getState().view, 'draw');
  });

  it('in Draw, the left button inks, the CNN reads it live, the VAE marks it, the right button erases', async () => {
    const { stdin, store, screen } = await startApp({ saved: TRAINED });
    stdin.type('4');
    stdin.type(report(0, canvas.col + 14, canvas.row + 2));
    for (let y = 3; y < 12; y++) stdin.type(report(32, canvas.col + 14, canvas.row + y));
    stdin.type(report(0, canvas.col + 14, canvas.row + 12, true));
    const { draw } = store.getState();
    const inked = draw.pixels.filter((p) => p > 0).length;
    assert.ok(inked > 20, `${inked} pixels inked`);
    assert.ok(draw.pixels[Math.floor(2 * 7.5) * IMAGE_SIDE + 14]! > 0.9, 'the stroke passes through its middle');
    assert.ok(draw.guess !== undefined && draw.encoding !== undefined);
    assert.match(await screen(), /CNN reads \d \(\d+% sure\)/);
    assert.match(await screen(), /VAE encodes it at/);
    for (let y = 2; y <= 12; y++) stdin.type(report(34, canvas.col + 14, canvas.row + y));
    await waitFor(() => store.getState().draw.pixels.every((p) => p === 0), 'the erased canvas');
    assert.equal(store.getState().draw.guess, undefined);
  });
});
