import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, loadMnist, type Mnist } from '../src/data/index.js';
import {
  classifierLoss,
  createClassifier,
  createStepper,
  createTask,
  createVae,
  decodePoints,
  FlatAdam,
  vaeLoss,
} from '../src/ml/index.js';
import { allFinite } from '../src/ml/gradients.js';
import { simdKernels } from '../src/ml/simd/index.js';
import { relativeError, useBackend } from './helpers/backends.js';

describe('models', () => {
  let data: Mnist;
  before(async () => {
    await useBackend('wasm');
    data = await loadMnist({ limit: 256 });
  });

  it('the CNN maps [batch, 28, 28, 1] to 10 logits', () => {
    const model = createClassifier(1);
    const out = tf.tidy(() => (model.apply(tf.randomNormal([3, 28, 28, 1])) as tf.Tensor).shape);
    assert.deepEqual(out, [3, 10]);
    assert.equal(model.countParams(), 320 + 18496 + 3136 * 128 + 128 + 1290);
    model.dispose();
  });

  it('the VAE encodes to a 2-D mean and log-variance and decodes to 784 probabilities', () => {
    const vae = createVae({ latentDim: 2, seed: 1 });
    const shapes = tf.tidy(() => (vae.encoder.apply(tf.randomUniform([4, 784])) as tf.Tensor[]).map((t) => t.shape));
    assert.deepEqual(shapes, [
      [4, 2],
      [4, 2],
    ]);
    const pixels = decodePoints(vae, Float32Array.from([0, 0, 3, -3]));
    assert.equal(pixels.length, 2 * 784);
    assert.ok(pixels.every((p) => p > 0 && p < 1));
    vae.encoder.dispose();
    vae.decoder.dispose();
  });

  it('the classifier loss is the mean negative log-softmax of the true class', () => {
    const logits = [
      [2, -1, 0.5, 0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 3, 0, 0, -2, 0, 0, 0],
    ];
    const labels = [0, 6];
    const expected =
      logits.reduce((sum, row, i) => {
        const logZ = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
        return sum + (logZ - row[labels[i]]);
      }, 0) / 2;
    const loss = tf.tidy(() => classifierLoss(tf.tensor2d(logits), tf.tensor1d(labels, 'int32')).dataSync()[0]);
    assert.ok(Math.abs(loss - expected) < 1e-5, `${loss} vs ${expected}`);
  });

  it('the VAE loss is summed BCE plus the analytic KL, per image', () => {
    const vae = createVae({ latentDim: 2, seed: 3 });
    const images = tf.randomUniform([2, 784], 0, 1, 'float32', 5) as tf.Tensor2D;
    const noise = tf.tensor2d([
      [0.3, -1.2],
      [1.5, 0.1],
    ]);
    const loss = vaeLoss(vae, images, noise).dataSync()[0];
    const [mu, logvar] = (vae.encoder.apply(images) as tf.Tensor[]).map((t) => t.arraySync() as number[][]);
    const x = images.arraySync();
    const noiseRows = noise.arraySync();
    let expected = 0;
    for (let i = 0; i < 2; i++) {
      const z = mu[i].map((m, j) => m + noiseRows[i][j] * Math.exp(0.5 * logvar[i][j]));
      const p = decodePoints(vae, Float32Array.from(z));
      p.forEach((pi, k) => (expected -= x[i][k] * Math.log(pi) + (1 - x[i][k]) * Math.log(1 - pi)));
      mu[i].forEach((m, j) => (expected -= 0.5 * (1 + logvar[i][j] - m * m - Math.exp(logvar[i][j]))));
    }
    expected /= 2;
    assert.ok(Math.abs(loss - expected) / expected < 1e-4, `${loss} vs ${expected}`);
    tf.dispose([images, noise]);
    vae.encoder.dispose();
    vae.decoder.dispose();
  });

  it('allFinite finds a NaN or an infinity anywhere, and passes the largest finite floats', () => {
    const FLOAT32_MAX = 3.4028234663852886e38;
    for (const length of [1, 3, 4, 5, 9, 1000]) {
      const values = new Float32Array(length).fill(FLOAT32_MAX);
      assert.equal(allFinite(values), true, `${length} × the largest float32`);
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (const at of new Set([0, Math.floor(length / 2), length - 1])) {
          const spoiled = values.slice();
          spoiled[at] = bad;
          assert.equal(allFinite(spoiled), false, `${bad} at ${at} of ${length}`);
        }
      }
    }
    // Opposite infinities would cancel in a careless sum: they must not.
    assert.equal(allFinite(Float32Array.of(1, Infinity, -Infinity, 2)), false);
  });

  it('FlatAdam follows the same path as tfjs Adam', () => {
    const start = [0.5, -1.5, 2, 0.25];
    const target = tf.tensor1d([1, 2, -3, 0.5]);
    const options = { learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const reference = tf.variable(tf.tensor1d(start));
    const tfAdam = tf.train.adam(options.learningRate, options.beta1, options.beta2, options.epsilon);
    const ours = Float32Array.from(start);
    const flatAdam = new FlatAdam(4, options);
    for (let i = 0; i < 20; i++) {
      tfAdam.minimize(() => tf.sum(tf.square(tf.sub(reference, target))) as tf.Scalar);
      const grad = ours.map((v, j) => 2 * (v - [1, 2, -3, 0.5][j]));
      flatAdam.apply(ours, grad);
    }
    assert.ok(relativeError(ours, reference.dataSync()) < 1e-5);
    tf.dispose([reference, target]);
    tfAdam.dispose();
  });

  it('FlatAdam matches float64 Adam at any length, its four-lane loop and its scalar tail alike', () => {
    const options = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const random = createRng(3);
    for (const length of [1, 3, 4, 7, 1003]) {
      const ours = Float32Array.from({ length }, () => random() - 0.5);
      const expected = Float64Array.from(ours);
      const [m, v] = [new Float64Array(length), new Float64Array(length)];
      const adam = new FlatAdam(length, options);
      for (let step = 1; step <= 5; step++) {
        const grads = Float32Array.from({ length }, () => random() - 0.5);
        adam.apply(ours, grads);
        for (let i = 0; i < length; i++) {
          m[i] = 0.9 * m[i] + 0.1 * grads[i];
          v[i] = 0.999 * v[i] + 0.001 * grads[i] ** 2;
          const mHat = m[i] / (1 - 0.9 ** step);
          const vHat = v[i] / (1 - 0.999 ** step);
          expected[i] -= (options.learningRate * mHat) / (Math.sqrt(vHat) + options.epsilon);
        }
      }
      assert.ok(relativeError(ours, expected) < 1e-5, `length ${length}: ${relativeError(ours, expected)}`);
    }
  });

  for (const name of ['cnn', 'vae'] as const) {
    it(`a ${name} training step on wasm, the hand-written pass, leaves no buffer behind`, async () => {
      const backend = tf.backend() as BackendWasm;
      const heap = simdKernels(backend).memory;
      const task = createTask(name, data.train, 7);
      assert.ok(task.handPass !== undefined, 'the hand-written pass runs on wasm');
      const stepper = await createStepper(task);
      const batch = Int32Array.from({ length: 32 }, (_, i) => i);
      // The pass allocates on the backend below tfjs's tensor count, so the backend's buffers and
      // the heap's size are counted too; sync writes the flat weights back to the variables.
      const step = async (i: number) => {
        assert.ok(Number.isFinite(await stepper.step(batch, i)));
        stepper.sync();
      };
      const usage = () => ({ ...tf.memory(), buffers: backend.numDataIds(), heapBytes: heap.buffer.byteLength });
      // The heap's allocator finds its layout for a step's buffers within two steps; a pass that
      // kept a buffer would then grow the heap, or the buffer count, on every step after.
      for (let i = 0; i < 2; i++) await step(i);
      const before = usage();
      for (let i = 2; i < 6; i++) await step(i);
      assert.deepEqual(usage(), before);
      Object.values(task.parts).forEach((m) => m.dispose());
    });

    it(`a ${name} training step through autograd, on cpu, leaks no tensors`, async () => {
      await useBackend('cpu');
      try {
        const task = createTask(name, data.train, 7);
        assert.equal(task.handPass, undefined, 'autograd runs on cpu');
        const stepper = await createStepper(task);
        // The cpu backend's convolutions are slow: a couple of images make a CNN step.
        const batch = Int32Array.from({ length: name === 'cnn' ? 2 : 32 }, (_, i) => i);
        await stepper.step(batch, 0);
        const before = tf.memory();
        for (let i = 1; i <= 3; i++) assert.ok(Number.isFinite(await stepper.step(batch, i)));
        const after = tf.memory();
        assert.equal(after.numTensors, before.numTensors);
        assert.equal(after.numBytes, before.numBytes);
        Object.values(task.parts).forEach((m) => m.dispose());
      } finally {
        await useBackend('wasm');
      }
    });
  }
});
