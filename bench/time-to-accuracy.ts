import type { Mnist } from '../src/data/index.js';
import { shuffledBatches } from '../src/data/index.js';
import { createWorkerEngine } from '../src/ml/engine/index.js';
import { learningRateAt } from '../src/ml/tasks.js';

export interface AccuracyRun {
  target: number;
  /** Training wall time until the target was first met, evaluation excluded; undefined if never. */
  trainSeconds: number | undefined;
  /** Wall time including the periodic evaluations. */
  wallSeconds: number | undefined;
  reachedAt: { epoch: number; step: number; accuracy: number } | undefined;
  epochAccuracies: number[];
  /** Resident set size after each epoch, MB: flat when nothing leaks. */
  rssAfterEpochMb: number[];
  peakRssMb: number;
}

/**
 * Trains the CNN as `mnist-tui train cnn` does (same batch order and learning-rate decay),
 * checking test accuracy every `evalEvery` steps, until `target` is met or `epochs` end.
 */
export async function timeToAccuracy(
  data: Mnist,
  options: { target: number; epochs: number; workers: number; batchSize: number; evalEvery: number },
): Promise<AccuracyRun> {
  const engine = await createWorkerEngine(data, { model: 'cnn', seed: 42, backend: 'wasm', workers: options.workers });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const run: AccuracyRun = {
    target: options.target,
    trainSeconds: undefined,
    wallSeconds: undefined,
    reachedAt: undefined,
    epochAccuracies: [],
    rssAfterEpochMb: [],
    peakRssMb: 0,
  };
  try {
    let trainMs = 0;
    const wallStart = performance.now();
    let step = 0;
    const totalSteps = Math.ceil(data.train.count / options.batchSize) * options.epochs;
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const batches = shuffledBatches(data.train.count, options.batchSize, 42, epoch);
      for (let b = 0; b < batches.length; b++) {
        engine.setLearningRate(learningRateAt('cnn', { epoch, step, totalSteps }));
        const start = performance.now();
        await engine.step(batches[b], epoch);
        step += 1;
        trainMs += performance.now() - start;
        const endOfEpoch = b + 1 === batches.length;
        if (run.reachedAt === undefined && ((b + 1) % options.evalEvery === 0 || endOfEpoch)) {
          const accuracy = (await engine.evaluate()).testAccuracy ?? 0;
          if (accuracy >= options.target) {
            run.reachedAt = { epoch, step, accuracy };
            run.trainSeconds = trainMs / 1000;
            run.wallSeconds = (performance.now() - wallStart) / 1000;
          }
        }
      }
      run.epochAccuracies.push((await engine.evaluate()).testAccuracy ?? 0);
      run.rssAfterEpochMb.push(Math.round(process.memoryUsage().rss / 2 ** 20));
    }
    run.peakRssMb = Math.round(peakRss / 2 ** 20);
    return run;
  } finally {
    clearInterval(sampler);
    await engine.dispose();
  }
}
