import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, loadMnist, type Mnist } from '../src/data/index.js';
import { computeGradients } from '../src/ml/gradients.js';
import { FlatParameters } from '../src/ml/parameters.js';
import { createTask, type TrainTask } from '../src/ml/tasks.js';
import { relativeError, useBackend } from './helpers/backends.js';

const SEED = 5;
/** The epoch both passes draw the VAE's noise for: the same ε on both sides. */
const EPOCH = 11;

/** The model's initial weights, with its zero biases made random so that no term vanishes. */
async function startingWeights(params: FlatParameters): Promise<Float32Array> {
  const weights = await params.read();
  const random = createRng(SEED);
  for (let i = 0; i < weights.length; i++) if (weights[i] === 0) weights[i] = (random() - 0.5) * 0.2;
  return weights;
}

function dispose(task: TrainTask): void {
  for (const part of Object.values(task.parts)) part.dispose();
}

describe('hand-written training passes on the wasm heap', () => {
  let data: Mnist;
  before(async () => {
    data = await loadMnist({ limit: 200 });
  });

  // The cpu reference trains the CNN very slowly (BENCHMARKS.md), so its batches stay small; the kernels
  // themselves are checked at the real sizes in simd-*.test.ts.
  const batches = { cnn: [1, 5], vae: [1, 7, 64] };
  for (const model of ['cnn', 'vae'] as const) {
    for (const batch of batches[model]) {
      it(`${model}: loss and every gradient at batch ${batch} match autograd on the cpu backend`, async () => {
        const indices = Int32Array.from({ length: batch }, (_, i) => (i * 37 + 3) % data.train.count);

        await useBackend('cpu');
        const reference = createTask(model, data.train, SEED);
        assert.equal(reference.handPass, undefined, 'autograd on cpu');
        const params = new FlatParameters(reference.variables);
        const weights = await startingWeights(params);
        params.write(weights);
        const expected = new Float32Array(params.size);
        const want = await computeGradients(reference, params, weights, indices, EPOCH, expected);
        const shapes = reference.variables.map((v) => ({ name: v.name, size: v.size }));
        dispose(reference);

        await useBackend('wasm');
        const task = createTask(model, data.train, SEED);
        assert.ok(task.handPass !== undefined, 'the hand-written pass on wasm');
        const got = new Float32Array(params.size).fill(NaN);
        // The pass allocates on the backend directly, below tfjs's tensor count: ask the backend.
        const buffers = tf.backend().numDataIds();
        const loss = task.handPass(weights, indices, EPOCH, got);
        assert.equal(tf.backend().numDataIds(), buffers, 'every heap buffer is freed');
        dispose(task);

        assert.ok(Math.abs(loss - want.loss) <= 1e-5 * Math.abs(want.loss), `loss ${loss} vs ${want.loss}`);
        let offset = 0;
        for (const { name, size } of shapes) {
          const error = relativeError(got.subarray(offset, offset + size), expected.subarray(offset, offset + size));
          assert.ok(error <= 1e-4, `${name}: relative error ${error}`);
          offset += size;
        }
      });
    }
  }

  it('refuses weights of another architecture', async () => {
    await useBackend('wasm');
    const { createCnnStep } = await import('../src/ml/passes/index.js');
    const backend = tf.backend() as Parameters<typeof createCnnStep>[0];
    assert.throws(() => createCnnStep(backend, [[3, 3, 1, 16]]), /hand-written cnn pass expects weights/);
  });
});
