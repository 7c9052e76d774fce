import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { encodeGrayPng } from '../src/data/png-digit.js';
import { IMAGE_PIXELS, loadMnist, MNIST_MEAN, MNIST_STD, NUM_CLASSES, type Mnist } from '../src/data/index.js';
import { glyphSheetLayout } from '../src/images/index.js';
import {
  classifyImages,
  decodePoints,
  encodeImages,
  loadClassifier,
  loadVae,
  trainModel,
  type SavedClassifier,
  type SavedVae,
} from '../src/ml/index.js';
import {
  discoverNewNumbers,
  isSameModel,
  latentGrid,
  loadNamedNumbers,
  renderManifold,
  saveNamedNumber,
  summariseTestSet,
  type Discovery,
  type TestSetSummary,
} from '../src/ml/new-numbers/index.js';
import { useBackend } from './helpers/backends.js';
import { jsonLines, runCli } from './helpers/cli.js';

const temp = (prefix: string) => mkdtempSync(path.join(tmpdir(), `mnist-tui-discover-${prefix}-`));

/** Small enough to train in seconds; the thresholds adapt to how crude the models are. */
const TRAIN_IMAGES = 2000;
/** Test digits for training's evaluation and for the thresholds: enough for stable quantiles, and quick. */
const TEST_IMAGES = 2000;
const GRID = 32;
const TOP = 8;
const SEED = 3;

/** How far the CNN's probabilities may move when a glyph's float pixels are stored as 8-bit PNG levels. */
const ROUND_TRIP_SLACK = 0.02;

/** Rounding slack between decoding a point in a scan batch and decoding it alone. */
const FLOAT_SLACK = 1e-4;

const fraction = (values: ArrayLike<number>, keep: (v: number) => boolean) =>
  Array.from(values).filter(keep).length / values.length;

describe('discovering new numbers', () => {
  let data: Mnist;
  let modelsDir: string;
  let saved: { vae: SavedVae; cnn: SavedClassifier };
  let summary: TestSetSummary;
  let discovery: Discovery;

  before(async () => {
    await useBackend('wasm');
    const full = await loadMnist({ limit: TRAIN_IMAGES });
    const test = {
      images: full.test.images.subarray(0, TEST_IMAGES * IMAGE_PIXELS),
      labels: full.test.labels.subarray(0, TEST_IMAGES),
      count: TEST_IMAGES,
    };
    data = { ...full, test };
    modelsDir = temp('models');
    const common = { batchSize: 64, seed: 1, modelsDir, workers: 1, backend: 'wasm' as const, onEvent: () => {} };
    await trainModel(data, { ...common, model: 'vae', epochs: 2 });
    await trainModel(data, { ...common, model: 'cnn', epochs: 1 });
    const [vae, cnn] = [await loadVae(modelsDir), await loadClassifier(modelsDir)];
    assert.ok(vae && cnn);
    saved = { vae, cnn };
    summary = summariseTestSet(vae.vae, data.test);
    discovery = await discoverNewNumbers({ vae: vae.vae, classifier: cnn.model }, summary, {
      gridSide: GRID,
      top: TOP,
      seed: SEED,
    });
  });

  /** Decodes, classifies and re-encodes every candidate afresh and checks it against the reported thresholds. */
  function assertCandidatesPass({ candidates, thresholds: t }: Discovery): void {
    if (candidates.length === 0) return;
    const points = Float32Array.from(candidates.flatMap((c) => c.z));
    const pixels = decodePoints(saved.vae.vae, points);
    const probabilities = classifyImages(
      saved.cnn.model,
      pixels.map((v) => (v - MNIST_MEAN) / MNIST_STD),
    );
    const landed = encodeImages(saved.vae.vae, pixels);
    candidates.forEach((c, n) => {
      const glyph = pixels.subarray(n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS);
      const row = Array.from(probabilities.subarray(n * NUM_CLASSES, (n + 1) * NUM_CLASSES));
      const top = Math.max(...row);
      assert.ok(top < t.maxTopProbability + FLOAT_SLACK, `candidate ${n}: top probability ${top}`);
      assert.equal(c.guesses[0].digit, row.indexOf(top));
      assert.ok(Math.abs(c.guesses[0].probability - top) < FLOAT_SLACK);
      const second = [...row].sort((a, b) => b - a)[1];
      assert.ok(Math.abs(c.guesses[1].probability - second) < FLOAT_SLACK);
      const decisive = glyph.filter((v) => v <= t.decisiveMargin || v >= 1 - t.decisiveMargin).length / IMAGE_PIXELS;
      assert.ok(decisive >= t.minDecisiveShare - 2 / IMAGE_PIXELS, `candidate ${n}: decisive ${decisive}`);
      const ink = glyph.reduce((sum, v) => sum + v, 0);
      assert.ok(ink >= t.inkRange[0] - 0.01 && ink <= t.inkRange[1] + 0.01, `candidate ${n}: ink ${ink}`);
      const drift = Math.hypot(landed[2 * n] - c.z[0], landed[2 * n + 1] - c.z[1]);
      assert.ok(drift <= t.maxDrift + FLOAT_SLACK, `candidate ${n}: drift ${drift}`);
      assert.ok(c.score >= 0 && c.score <= 1);
    });
  }

  it('the thresholds are what they claim of the real test digits', () => {
    const t = discovery.thresholds;
    const ink = fraction(summary.inkMasses, (m) => m >= t.inkRange[0] && m <= t.inkRange[1]);
    assert.ok(Math.abs(ink - 0.9) < 0.01, `${ink} of test digits have typical ink`);
    const rendered = decodePoints(saved.vae.vae, summary.encodings); // [TEST_IMAGES * 784]
    const landed = encodeImages(saved.vae.vae, rendered);
    const decisive: number[] = [];
    const drift: number[] = [];
    for (let n = 0; n < data.test.count; n++) {
      const pixels = rendered.subarray(n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS);
      decisive.push(pixels.filter((v) => v <= t.decisiveMargin || v >= 1 - t.decisiveMargin).length / IMAGE_PIXELS);
      drift.push(
        Math.hypot(landed[2 * n] - summary.encodings[2 * n], landed[2 * n + 1] - summary.encodings[2 * n + 1]),
      );
    }
    const crisp = fraction(decisive, (d) => d >= t.minDecisiveShare);
    assert.ok(crisp >= 0.5 && crisp < 0.6, `${crisp} of rendered test digits are decisive`);
    const stable = fraction(drift, (d) => d <= t.maxDrift);
    assert.ok(Math.abs(stable - 0.75) < 0.01, `${stable} of test digits are stable`);
    assert.ok(discovery.regionShare >= 0.99, `the box holds ${discovery.regionShare} of the encodings`);
  });

  it('every candidate passes every test when decoded and classified again', () => {
    assertCandidatesPass(discovery);
  });

  it('with looser thresholds more points pass, and those candidates hold up too', async () => {
    const loose = await discoverNewNumbers({ vae: saved.vae.vae, classifier: saved.cnn.model }, summary, {
      gridSide: GRID,
      top: TOP,
      seed: SEED,
      maxTopProbability: 0.9,
      decisiveQuantile: 0.1,
      driftQuantile: 0.95,
    });
    assert.ok(loose.counts.passing >= discovery.counts.passing);
    assert.ok(loose.candidates.length > 0, 'a crude model still has glyphs the CNN doubts');
    assertCandidatesPass(loose);
  });

  it('candidates are distinct, best first, inside the box and no more than asked', () => {
    const { candidates, thresholds, region, counts } = discovery;
    assert.ok(candidates.length <= Math.min(TOP, counts.passing));
    assert.equal(counts.points, GRID * GRID);
    for (const key of ['unnameable', 'decisive', 'typicalInk', 'stable'] as const) {
      assert.ok(counts.passing <= counts[key], key);
    }
    candidates.forEach((a, i) => {
      assert.ok(a.z[0] >= region.xMin && a.z[0] <= region.xMax && a.z[1] >= region.yMin && a.z[1] <= region.yMax);
      if (i > 0) assert.ok(candidates[i - 1].score >= a.score, 'sorted by score');
      for (const b of candidates.slice(i + 1)) {
        assert.ok(Math.hypot(a.z[0] - b.z[0], a.z[1] - b.z[1]) >= thresholds.minSeparation, 'far enough apart');
      }
    });
  });

  it('repeats exactly for the same seed, scans other points for another, and leaks no tensors', async () => {
    const models = { vae: saved.vae.vae, classifier: saved.cnn.model };
    const tensors = tf.memory().numTensors;
    const again = await discoverNewNumbers(models, summary, { gridSide: GRID, top: TOP, seed: SEED });
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(again, discovery);
    const other = await discoverNewNumbers(models, summary, { gridSide: 8, top: TOP, seed: SEED + 1 });
    assert.notDeepEqual(other.gridOffset, discovery.gridOffset);
    assert.deepEqual(other.region, discovery.region);
  });

  it('a named glyph decodes the same after the VAE is loaded again from disk', async () => {
    const [best] = discovery.candidates;
    const z = best?.z ?? [0, 0];
    await saveNamedNumber(modelsDir, { name: 'Zleven', z, vae: saved.vae.metadata, cnn: saved.cnn.metadata });
    const [named] = await loadNamedNumbers(modelsDir);
    const reloaded = await loadVae(modelsDir);
    assert.ok(reloaded);
    assert.ok(isSameModel(named.vae, reloaded.metadata));
    assert.deepEqual(
      decodePoints(reloaded.vae, Float32Array.from(named.z)),
      decodePoints(saved.vae.vae, Float32Array.from(z)),
    );
  });

  it('the manifold tiles decoded glyphs over the box, top row first', () => {
    const picture = renderManifold(saved.vae.vae, discovery.region, 3);
    assert.deepEqual([picture.width, picture.height], [84, 84]);
    const corner = latentGrid(discovery.region, 3, [0.5, 0.5]).subarray(4, 6); // row 0, column 2
    const glyph = decodePoints(saved.vae.vae, Float32Array.from(corner));
    for (let row = 0; row < 28; row++) {
      for (let col = 0; col < 28; col++) {
        assert.ok(Math.abs(picture.pixels[row * 84 + 56 + col] - glyph[row * 28 + col]) < FLOAT_SLACK);
      }
    }
  });

  describe('from the command line', () => {
    it('without models (the shipped ones turned off), discover says which to train, in one line, exit code 1', async () => {
      const empty = temp('empty');
      const off = { MNIST_TUI_NO_PRETRAINED: '1' };
      const none = await runCli(['discover', '--models-dir', empty, '--grid', '8'], off);
      assert.equal(none.code, 1);
      assert.equal(none.stderr, `mnist-tui: no trained VAE in ${empty}; run: mnist-tui train vae\n`);
      cpSync(path.join(modelsDir, 'vae'), path.join(empty, 'vae'), { recursive: true });
      const vaeOnly = await runCli(['discover', '--models-dir', empty, '--grid', '8'], off);
      assert.equal(vaeOnly.code, 1);
      assert.equal(vaeOnly.stderr, `mnist-tui: no trained CNN in ${empty}; run: mnist-tui train cnn\n`);
      const manifold = await runCli(['manifold', '--models-dir', temp('none'), '--json'], off);
      assert.equal(manifold.code, 1);
      assert.match(String(jsonLines(manifold.stdout)[0].message), /no trained VAE/);
    });

    it('refuses a grid too large to finish', async () => {
      const result = await runCli(['discover', '--grid', '5000', '--models-dir', modelsDir]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--grid can be at most 1024/);
    });

    it('discover --json lists candidates and --out writes a sheet of them', async () => {
      const out = path.join(temp('sheet'), 'sheet.png');
      const args = ['discover', '--models-dir', modelsDir, '--grid', '16', '--top', '4', '--json', '--out', out];
      const result = await runCli(args);
      assert.equal(result.code, 0, result.stderr);
      const [report] = jsonLines(result.stdout) as unknown as (Discovery & { event: string })[];
      assert.equal(report.event, 'discover');
      assert.equal(report.counts.points, 16 * 16);
      assert.ok(report.candidates.length <= 4);
      if (report.candidates.length === 0) {
        assert.equal(existsSync(out), false);
      } else {
        const png = PNG.sync.read(readFileSync(out));
        const layout = glyphSheetLayout(report.candidates.length);
        assert.deepEqual([png.width, png.height], [layout.width, layout.height]);
      }
      const text = await runCli(['discover', '--models-dir', modelsDir, '--grid', '8']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^Scanned 8×8 points/);
      assert.match(text.stdout, /Passed: unnameable \d+/);
    });

    it('a glyph discover reports is just as unnameable to classify after generate writes it out', async () => {
      const found = await runCli([
        'discover',
        '--models-dir',
        modelsDir,
        '--grid',
        String(GRID),
        '--top',
        '5',
        '--json',
      ]);
      assert.equal(found.code, 0, found.stderr);
      const [{ candidates }] = jsonLines(found.stdout) as unknown as Discovery[];
      assert.ok(candidates.length > 0, 'the scan finds something to check');
      const dir = temp('roundtrip');
      for (const [i, candidate] of candidates.entries()) {
        const answers = [];
        for (const scale of [1, 4]) {
          const file = path.join(dir, `glyph-${i}-x${scale}.png`);
          const z = `--z=${candidate.z[0]},${candidate.z[1]}`;
          const made = await runCli([
            'generate',
            z,
            '--out',
            file,
            '--scale',
            String(scale),
            '--models-dir',
            modelsDir,
          ]);
          assert.equal(made.code, 0, made.stderr);
          const result = await runCli(['classify', file, '--json', '--models-dir', modelsDir]);
          assert.equal(result.code, 0, result.stderr);
          const [answer] = jsonLines(result.stdout) as [{ framing: string; scale: number; probabilities: number[] }];
          assert.equal(answer.framing, 'as-is');
          assert.equal(answer.scale, scale);
          answers.push(answer.probabilities);
          // The PNG holds 8-bit levels where discover classified floats; nothing else differs.
          for (const guess of candidate.guesses) {
            assert.ok(
              Math.abs(answer.probabilities[guess.digit]! - guess.probability) < ROUND_TRIP_SLACK,
              `glyph ${i} at ×${scale}: classify gives ${guess.digit} ${answer.probabilities[guess.digit]}, discover ${guess.probability}`,
            );
          }
          assert.ok(Math.max(...answer.probabilities) < 0.5 + ROUND_TRIP_SLACK, `glyph ${i} stays unnameable`);
        }
        assert.deepEqual(answers[0], answers[1], 'the scale a glyph is written at changes nothing');
      }
      const text = await runCli(['classify', path.join(dir, 'glyph-0-x4.png'), '--models-dir', modelsDir]);
      assert.match(
        text.stdout.split('\n')[1]!,
        /fed as it is: a 28×28 drawn at ×4 image is taken to be framed already/,
      );
    });

    it('a blank or tiny image is refused in one line with exit code 1, not named a digit', async () => {
      const dir = temp('blank');
      const cases: [string, Buffer, string][] = [
        [
          'black.png',
          encodeGrayPng(new Uint8Array(28 * 28), 28, 28, 2),
          'no ink: the image is blank, so there is no digit to classify',
        ],
        [
          'white.png',
          encodeGrayPng(new Uint8Array(300 * 200).fill(255), 300, 200),
          'no ink: the image is blank, so there is no digit to classify',
        ],
        ['dot.png', encodeGrayPng(new Uint8Array([255]), 1, 1), '1×1 is too small to hold a digit (at least 8×8)'],
      ];
      for (const [name, png, why] of cases) {
        const file = path.join(dir, name);
        writeFileSync(file, png);
        for (const json of [[], ['--json']]) {
          const result = await runCli(['classify', file, ...json, '--models-dir', modelsDir]);
          assert.equal(result.code, 1, name);
          if (json.length === 0) assert.equal(result.stderr, `mnist-tui: ${file}: ${why}\n`);
          else assert.equal(jsonLines(result.stdout)[0]!.message, `${file}: ${why}`);
        }
      }
    });

    it('manifold writes an n×n PNG of digits', async () => {
      const out = path.join(temp('manifold'), 'grid.png');
      const result = await runCli(['manifold', '--models-dir', modelsDir, '--n', '4', '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Wrote .*grid\.png \(112×112\): 4×4 digits/);
      const png = PNG.sync.read(readFileSync(out));
      assert.deepEqual([png.width, png.height], [112, 112]);
    });
  });
});
