import { shuffledBatches, type Mnist } from '../../src/data/index.js';
import { combineMetrics } from '../../src/ml/evaluate.js';
import { createStepper } from '../../src/ml/stepper.js';
import { createTask, learningRateAt } from '../../src/ml/tasks.js';

/** What one epoch of the CNN measured. */
export interface EpochResult {
  images: number;
  /** Training steps only, as the app's epoch event counts them. */
  imagesPerSecond: number;
  /** Mean training loss over the epoch. */
  loss: number;
  testAccuracy: number;
}

/**
 * One epoch of the CNN on the active backend, in this thread, with the app's own stepper and
 * evaluation (both await their reads, which is what lets WebGPU serve them under Node): the
 * same seeded batches and learning-rate schedule as the app's engines, without their threads.
 */
export async function trainEpochAsync(
  data: Mnist,
  { batchSize, seed, now = () => performance.now() }: { batchSize: number; seed: number; now?: () => number },
): Promise<EpochResult> {
  const task = createTask('cnn', data.train, seed);
  try {
    const stepper = await createStepper(task);
    const batches = shuffledBatches(data.train.count, batchSize, seed, 1);
    let lossSum = 0;
    const started = now();
    for (const [step, indices] of batches.entries()) {
      stepper.adam.learningRate = learningRateAt('cnn', { epoch: 1, step, totalSteps: batches.length });
      const loss = await stepper.step(indices, 1);
      if (Number.isNaN(loss)) throw new Error(`loss diverged at step ${step}`);
      lossSum += loss * indices.length;
    }
    const seconds = (now() - started) / 1000;
    stepper.sync();
    const { testAccuracy = NaN } = combineMetrics([await task.evaluate(data.test)]);
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
