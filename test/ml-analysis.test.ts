import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, IMAGE_PIXELS, loadMnist, type DigitSet, type Mnist } from '../src/data/index.js';
import { analyseClassifier, classifierInsight, exampleIndices, vaeInsight } from '../src/ml/analysis/index.js';
import {
  createVae,
  evaluateClassifier,
  evaluateVae,
  loadClassifier,
  loadVae,
  trainModel,
  vaeLoss,
  vaeLossParts,
} from '../src/ml/index.js';
import { useBackend } from './helpers/backends.js';

/** `count` images whose pixels are all `n` (the image's index), with `labels`. */
function numberedSet(labels: number[]): DigitSet {
  const images = new Uint8Array(labels.length * IMAGE_PIXELS);
  labels.forEach((_, n) => images.fill(n * 10, n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS));
  return { images, labels: Uint8Array.from(labels), count: labels.length };
}

/** Probabilities [rows * 10] with `sure` on `digit` of each row and the rest shared evenly. */
function probabilities(rows: [digit: number, sure: number][]): Float32Array {
  const out = new Float32Array(rows.length * 10);
  rows.forEach(([digit, sure], n) => {
    out.fill((1 - sure) / 9, n * 10, n * 10 + 10);
    out[n * 10 + digit] = sure;
  });
  return out;
}

describe('classifier insight from probabilities', () => {
  // Labels 0 1 1 2 2; answers 0 (right), 2 at 0.7 (wrong), 1 (right), 0 at 0.95 (wrong), 2 (right).
  const test = numberedSet([0, 1, 1, 2, 2]);
  const probs = probabilities([
    [0, 0.9],
    [2, 0.7],
    [1, 0.6],
    [0, 0.95],
    [2, 0.5],
  ]);

  it('counts each (true, predicted) pair in the confusion matrix', () => {
    const { confusion, count, accuracy } = analyseClassifier(probs, test, 5);
    const expected = new Uint32Array(100);
    expected[0 * 10 + 0] = 1;
    expected[1 * 10 + 2] = 1;
    expected[1 * 10 + 1] = 1;
    expected[2 * 10 + 0] = 1;
    expected[2 * 10 + 2] = 1;
    assert.deepEqual(confusion, expected);
    assert.equal(count, 5);
    assert.equal(accuracy, 3 / 5);
  });

  it("gives each digit's accuracy, NaN for digits the set lacks", () => {
    const { classAccuracy } = analyseClassifier(probs, test, 5);
    assert.deepEqual([...classAccuracy.slice(0, 3)], [1, 0.5, 0.5]);
    assert.ok(classAccuracy.slice(3).every(Number.isNaN));
  });

  it('lists the wrong answers surest first, with their images, up to `top`', () => {
    const { confidentlyWrong } = analyseClassifier(probs, test, 5);
    assert.deepEqual(
      confidentlyWrong.map(({ index, label, predicted, confidence }) => [index, label, predicted, confidence]),
      [
        [3, 2, 0, Math.fround(0.95)],
        [1, 1, 2, Math.fround(0.7)],
      ],
    );
    assert.ok(
      confidentlyWrong[0]!.pixels.every((p) => p === Math.fround(30 / 255)),
      'image 3 is drawn',
    );
    assert.deepEqual(
      analyseClassifier(probs, test, 1).confidentlyWrong.map((w) => w.index),
      [3],
    );
  });

  it('takes the first of equal probabilities as the answer, and refuses a length mismatch', () => {
    const tie = new Float32Array(10).fill(0.1);
    assert.deepEqual(
      [...analyseClassifier(tie, numberedSet([0]), 3).confusion.slice(0, 10)],
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    assert.throws(() => analyseClassifier(new Float32Array(30), numberedSet([0, 1]), 3), RangeError);
  });
});

describe('reconstruction examples', () => {
  it('are the first image of each digit in turn, skipping digits the set lacks', () => {
    assert.deepEqual(exampleIndices(Uint8Array.from([3, 0, 0, 1, 3, 5]), 10), [1, 3, 0, 5]);
    assert.deepEqual(exampleIndices(Uint8Array.from([3, 0, 0, 1, 3, 5]), 2), [1, 3]);
  });
});

describe('the VAE loss split', () => {
  before(() => useBackend('wasm'));

  it('gives per image the summed BCE and the KL a float64 reference computes, adding up to vaeLoss', () => {
    const vae = createVae({ latentDim: 2, seed: 3 });
    const batch = 3;
    const rng = createRng(11);
    const pixels = Float32Array.from({ length: batch * IMAGE_PIXELS }, () => rng());
    const noiseValues = Float32Array.from({ length: batch * 2 }, () => rng() * 2 - 1);
    const before = tf.memory().numTensors;
    const [bce, kl, loss, mu, logvar, decoded] = tf
      .tidy(() => {
        const x = tf.tensor2d(pixels, [batch, IMAGE_PIXELS]);
        const noise = tf.tensor2d(noiseValues, [batch, 2]);
        const [m, lv] = vae.encoder.apply(x) as tf.Tensor2D[];
        const z = tf.add(m!, tf.mul(noise, tf.exp(tf.mul(lv!, 0.5))));
        return [...vaeLossParts(vae, x, noise), vaeLoss(vae, x, noise), m!, lv!, vae.decoder.apply(z) as tf.Tensor];
      })
      .map((t) => {
        const values = t.dataSync();
        t.dispose();
        return Float64Array.from(values);
      });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    let referenceTotal = 0;
    for (let n = 0; n < batch; n++) {
      let expectedBce = 0;
      for (let i = 0; i < IMAGE_PIXELS; i++) {
        const x = pixels[n * IMAGE_PIXELS + i]!;
        const p = Math.min(1 - 1e-7, Math.max(1e-7, decoded![n * IMAGE_PIXELS + i]!));
        expectedBce -= x * Math.log(p) + (1 - x) * Math.log(1 - p);
      }
      let expectedKl = 0;
      for (let d = 0; d < 2; d++) {
        const m = mu![n * 2 + d]!;
        const lv = logvar![n * 2 + d]!;
        expectedKl += -0.5 * (1 + lv - m * m - Math.exp(lv));
      }
      assert.ok(Math.abs(bce![n]! - expectedBce) < 1e-4 * expectedBce, `BCE of image ${n}`);
      assert.ok(Math.abs(kl![n]! - expectedKl) < 1e-4 + 1e-4 * expectedKl, `KL of image ${n}`);
      referenceTotal += expectedBce + expectedKl;
    }
    const mean = referenceTotal / batch;
    assert.ok(Math.abs(mean - loss![0]!) < 1e-4 * loss![0]!, `reference ${mean} vs vaeLoss ${loss![0]}`);
    vae.encoder.dispose();
    vae.decoder.dispose();
  });
});

describe('insight of models trained on real MNIST', () => {
  let data: Mnist;
  let dir: string;
  /** The first 1,200 test images: more than two of the VAE's 500-image noise batches. */
  let test: DigitSet;

  before(async () => {
    await useBackend('wasm');
    data = await loadMnist({ limit: 1024 });
    test = { images: data.test.images, labels: data.test.labels, count: 1200 };
    dir = mkdtempSync(path.join(tmpdir(), 'mnist-tui-analysis-'));
    for (const model of ['cnn', 'vae'] as const) {
      await trainModel(data, {
        model,
        epochs: 1,
        batchSize: 128,
        seed: 5,
        modelsDir: dir,
        workers: 1,
        backend: 'wasm',
        onEvent: () => {},
      });
    }
  });

  it("the CNN's insight agrees with its test accuracy, reports every slice and leaks no tensor", async () => {
    const saved = (await loadClassifier(dir))!;
    const reports: number[] = [];
    const before = tf.memory().numTensors;
    const insight = await classifierInsight(saved.model, test, { top: 6, onSlice: (done) => void reports.push(done) });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    const { testAccuracy } = await evaluateClassifier(saved.model, test);
    assert.ok(Math.abs(insight.accuracy - testAccuracy!) < 1e-12, `${insight.accuracy} vs ${testAccuracy}`);
    assert.ok(insight.accuracy > 0.5 && insight.accuracy < 1, `a model trained briefly: ${insight.accuracy}`);
    assert.equal(reports.at(-1), 1200);
    assert.ok(reports.length > 1 && reports.every((done, i) => i === 0 || done > reports[i - 1]!));
    assert.equal(
      insight.confusion.reduce((s, v) => s + v, 0),
      1200,
    );
    let diagonal = 0;
    for (let d = 0; d < 10; d++) {
      const row = insight.confusion.slice(d * 10, d * 10 + 10).reduce((s, v) => s + v, 0);
      const inSet = test.labels.subarray(0, 1200).filter((label) => label === d).length;
      assert.equal(row, inSet, `row ${d} holds every test ${d}`);
      assert.ok(Math.abs(insight.classAccuracy[d]! - insight.confusion[d * 11]! / row) < 1e-12);
      diagonal += insight.confusion[d * 11]!;
    }
    assert.equal(diagonal / 1200, insight.accuracy);
    const wrong = insight.confidentlyWrong;
    assert.equal(wrong.length, 6);
    for (const [i, w] of wrong.entries()) {
      assert.equal(w.label, test.labels[w.index]);
      assert.notEqual(w.predicted, w.label);
      if (i > 0) assert.ok(w.confidence <= wrong[i - 1]!.confidence, 'surest first');
    }
    saved.model.dispose();
  });

  it("the VAE's reconstruction and KL terms add up to its test −ELBO, and its examples are the first 0–9", async () => {
    const saved = (await loadVae(dir))!;
    const before = tf.memory().numTensors;
    const insight = await vaeInsight(saved.vae, test, { seed: saved.metadata.seed, examples: 4, onSlice: () => {} });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    const { testNegElbo } = await evaluateVae(saved.vae, test, saved.metadata.seed);
    const sum = insight.reconstructionNats + insight.klNats;
    assert.ok(
      Math.abs(sum - testNegElbo!) < 1e-3,
      `${insight.reconstructionNats} + ${insight.klNats} vs ${testNegElbo}`,
    );
    assert.ok(insight.klNats > 0 && insight.reconstructionNats > insight.klNats);
    assert.deepEqual(
      insight.examples.map((e) => e.label),
      [0, 1, 2, 3],
    );
    for (const example of insight.examples) {
      assert.equal(example.reconstruction.length, IMAGE_PIXELS);
      assert.ok(example.reconstruction.every((p) => p > 0 && p < 1));
    }
    saved.vae.encoder.dispose();
    saved.vae.decoder.dispose();
  });
});
