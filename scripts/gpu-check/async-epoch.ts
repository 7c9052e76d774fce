import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gatherNormalised, IMAGE_SIDE, shuffledBatches, type DigitSet, type Mnist } from '../../src/data/index.js';
import { FlatAdam } from '../../src/ml/adam.js';
import { FlatParameters } from '../../src/ml/parameters.js';
import { createTask } from '../../src/ml/tasks.js';

/** What one epoch of the CNN measured. */
export interface EpochResult {
  images: number;
  /** Training steps only, as the app's epoch event counts them. */
  imagesPerSecond: number;
  /** Mean training loss over the epoch. */
  loss: number;
  testAccuracy: number;
}

/** Test images per evaluation batch. */
const EVAL_BATCH = 500;

/**
 * One epoch of the CNN on the active backend, step for step as the app trains (Adam on a flat
 * vector, the same seeded batches), but awaiting every read: tfjs cannot read WebGPU results
 * synchronously under Node, and the app's loop reads synchronously.
 */
export async function trainEpochAsync(
  data: Mnist,
  { batchSize, seed, now = () => performance.now() }: { batchSize: number; seed: number; now?: () => number },
): Promise<EpochResult> {
  const task = createTask('cnn', data.train, seed);
  try {
    const params = new FlatParameters(task.variables);
    const flat = await readFlat(task.variables.map((v) => v as tf.Tensor));
    const adam = new FlatAdam(params.size);
    const batches = shuffledBatches(data.train.count, batchSize, seed, 1);
    let lossSum = 0;
    const started = now();
    for (const [step, indices] of batches.entries()) {
      const { value, grads } = tf.variableGrads(() => task.batchLoss(indices, step), task.variables);
      const [loss] = await value.data();
      const flatGrads = await readFlat(task.variables.map((v) => grads[v.name]));
      tf.dispose([value, ...Object.values(grads)]);
      if (!Number.isFinite(loss) || !flatGrads.every(Number.isFinite)) throw new Error(`loss diverged at step ${step}`);
      adam.apply(flat, flatGrads);
      params.write(flat);
      lossSum += loss * indices.length;
    }
    const seconds = (now() - started) / 1000;
    const testAccuracy = await accuracy(task.parts.model, data.test);
    return {
      images: data.train.count,
      imagesPerSecond: data.train.count / seconds,
      loss: lossSum / data.train.count,
      testAccuracy,
    };
  } finally {
    for (const part of Object.values(task.parts)) part.dispose();
  }
}

/** Concatenates tensors' values, in order, awaiting each read. */
async function readFlat(tensors: tf.Tensor[]): Promise<Float32Array> {
  const parts = (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Share of test images the model labels correctly, read asynchronously. */
async function accuracy(model: tfl.LayersModel, test: DigitSet): Promise<number> {
  let correct = 0;
  for (let start = 0; start < test.count; start += EVAL_BATCH) {
    const indices = Int32Array.from({ length: Math.min(EVAL_BATCH, test.count - start) }, (_, i) => start + i);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(gatherNormalised(test, indices), [indices.length, IMAGE_SIDE, IMAGE_SIDE, 1]); // [batch, 28, 28, 1]
      return tf.argMax(model.apply(x) as tf.Tensor2D, 1); // [batch]
    });
    const labels = await predicted.data();
    predicted.dispose();
    indices.forEach((index, i) => {
      if (labels[i] === test.labels[index]) correct += 1;
    });
  }
  return correct / test.count;
}
