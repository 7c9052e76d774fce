import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as tf from '@tensorflow/tfjs-core';
import { IMAGE_PIXELS, loadMnist, type Mnist } from '../src/data/index.js';
import { createTask, createVae } from '../src/ml/index.js';
import { HINGE_REACH, HINGE_SLOPE } from '../src/ml/vae.js';
import { learningRateAt, LEARNING_SCHEDULE } from '../src/ml/tasks.js';
import { useBackend } from './helpers/backends.js';

/** The decoder's output bias [784] of a freshly built task or model. */
function outputBias(decoder: { getLayer(name: string): { getWeights(): tf.Tensor[] } }): Float32Array {
  return decoder.getLayer('pixels').getWeights()[1].dataSync() as Float32Array;
}

describe("the VAE's training recipe", () => {
  let data: Mnist;
  before(async () => {
    await useBackend('wasm');
    data = await loadMnist({ limit: 300 });
  });

  it('ramps the step size up over 2% of the run, then follows a cosine down to 2% of the peak', () => {
    const totalSteps = 1000;
    const peak = LEARNING_SCHEDULE.vae.peak;
    const at = (step: number) => learningRateAt('vae', { epoch: 1 + Math.floor(step / 100), step, totalSteps });
    assert.equal(peak, 6e-3);
    assert.ok(Math.abs(at(0) - peak / 20) < 1e-15, 'the first of 20 warm-up steps takes a 20th of the peak');
    assert.ok(Math.abs(at(19) - peak) < 1e-15);
    assert.ok(Math.abs(at(20) - peak) < 1e-15, 'the cosine starts at the peak');
    assert.ok(Math.abs(at(510) - peak * 0.51) < 1e-12, 'halfway down the cosine: the floor plus half the rest');
    assert.ok(Math.abs(at(999) - peak * 0.02) < 1e-7, 'it ends at the floor');
    for (let step = 21; step < totalSteps; step++) assert.ok(at(step) <= at(step - 1), `step ${step} rises`);
  });

  it("starts the output bias at the logit of each pixel's training mean, clamped away from 0 and 1", () => {
    const task = createTask('vae', data.train, 3);
    const bias = outputBias(task.parts.decoder);
    const sums = new Float64Array(IMAGE_PIXELS);
    for (let i = 0; i < data.train.count * IMAGE_PIXELS; i++) sums[i % IMAGE_PIXELS] += data.train.images[i] / 255;
    let lit = 0;
    for (let j = 0; j < IMAGE_PIXELS; j++) {
      const mean = Math.min(Math.max(sums[j] / data.train.count, 1e-3), 1 - 1e-3);
      assert.ok(Math.abs(bias[j] - Math.log(mean / (1 - mean))) < 1e-5, `pixel ${j}`);
      if (sums[j] / data.train.count > 0.3) lit += 1;
    }
    assert.ok(lit > 20 && Math.max(...bias) > 0 && Math.min(...bias) < -6, 'the middle lit, the border dark');
    for (const part of Object.values(task.parts)) part.dispose();
  });

  it("spreads the decoder's first hinges over the latent plane: slopes from N(0, HINGE_SLOPE²), distances uniform up to HINGE_REACH", () => {
    const hidden = (seed: number) => {
      const vae = createVae({ latentDim: 2, seed });
      const [kernel, bias] = vae.decoder
        .getLayer('dec_hidden')
        .getWeights()
        .map((w) => w.dataSync() as Float32Array);
      vae.encoder.dispose();
      vae.decoder.dispose();
      return { kernel: kernel!, bias: bias! };
    };
    const { kernel, bias } = hidden(5);
    assert.equal(kernel.length, 2 * 512);
    const mean = kernel.reduce((s, w) => s + w, 0) / kernel.length;
    const std = Math.sqrt(kernel.reduce((s, w) => s + (w - mean) ** 2, 0) / kernel.length);
    assert.ok(Math.abs(mean) < 0.15 && Math.abs(std / HINGE_SLOPE - 1) < 0.08, `mean ${mean}, std ${std}`);
    // Unit j's hinge is the line w·z + b = 0, at distance |b| / |w| from the origin.
    const distances = Array.from(bias, (b, j) => Math.abs(b) / Math.hypot(kernel[j]!, kernel[512 + j]!));
    assert.ok(Math.max(...distances) <= HINGE_REACH * (1 + 1e-6), 'every hinge within reach');
    const nearer = (d: number) => distances.filter((x) => x < d).length / distances.length;
    for (const share of [0.25, 0.5, 0.75]) {
      assert.ok(
        Math.abs(nearer(share * HINGE_REACH) - share) < 0.07,
        `${nearer(share * HINGE_REACH)} within ${share} of reach`,
      );
    }
    assert.ok(bias.some((b) => b > 0) && bias.some((b) => b < 0), 'hinges on both sides');
    assert.deepEqual(hidden(5), { kernel, bias }, 'the seed repeats them');
    assert.notDeepEqual(hidden(6).bias, bias, 'another seed draws others');
  });

  it('builds a zero output bias without means, as for a model about to be loaded', () => {
    const vae = createVae({ latentDim: 2, seed: 1 });
    assert.ok(outputBias(vae.decoder).every((b) => b === 0));
    vae.encoder.dispose();
    vae.decoder.dispose();
  });
});
