import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { gradientCases, type GradientCase } from './helpers/gradient-cases.js';
import { checkGradients, GRADIENT_TOLERANCE, relativeError } from './helpers/gradient-check.js';
import { initBackend } from '../src/ml/index.js';

/**
 * gpu-check compares WebGPU with cpu on a GPU host; here its logic runs on the wasm–cpu pair,
 * so the check itself is tested without a GPU.
 */
describe('gpu-check without a GPU', () => {
  before(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  });

  it('finds wasm gradients within the bound on every case wasm can differentiate, leaking no tensors', async () => {
    const cases = gradientCases(1, 7);
    assert.equal(cases.length, 7, 'one case of each of five ops, then the CNN and the VAE');
    // Stock wasm has no Conv2DBackpropFilter, and the app never needs it: training on wasm is
    // the hand-written pass. The convolution's cases therefore run only on a GPU host.
    const differentiable = cases.filter((c) => !/^(conv2d|cnn model)/.test(c.label));
    assert.equal(differentiable.length, 5);
    const before = tf.memory().numTensors;
    const results = await checkGradients(differentiable, 'wasm', 'cpu');
    assert.equal(tf.memory().numTensors, before);
    for (const r of results) assert.ok(r.ok, `${r.label}: relative error ${r.error}`);
    assert.equal(tf.getBackend(), 'cpu', 'the reference is left active');
  });

  it('fails a kernel that is off by more than the bound', async () => {
    const skewed: GradientCase = {
      label: 'a gradient 1% larger on wasm',
      gradients: () => [tf.fill([3, 4], tf.getBackend() === 'wasm' ? 1.01 : 1)],
    };
    const [result] = await checkGradients([skewed], 'wasm', 'cpu');
    assert.equal(result.ok, false);
    assert.ok(Math.abs(result.error - 0.01) < 1e-4, String(result.error));
    assert.ok(result.error > GRADIENT_TOLERANCE);
  });

  it('counts NaN as a failure', () => {
    assert.equal(relativeError(Float32Array.of(1, NaN), Float32Array.of(1, 2)), Infinity);
  });
});
