import type { Mnist } from '../src/data/index.js';
import { createWorkerEngine } from '../src/ml/engine/index.js';
import { runEpochLoop } from '../src/ml/epoch-loop.js';
import { cnnRecipe } from '../src/ml/cnn-recipe.js';

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

/** The seed `mnist-tui train` uses by default. */
const SEED = 42;

/**
 * Trains the CNN through the app's own epoch loop (same batch order and learning-rate decay as
 * `mnist-tui train cnn`), checking test accuracy every `evalEvery` steps of an epoch until
 * `target` is met, and after every epoch.
 */
export async function timeToAccuracy(
  data: Mnist,
  options: { target: number; epochs: number; workers: number; batchSize: number; evalEvery: number },
): Promise<AccuracyRun> {
  const engine = await createWorkerEngine(data, {
    model: 'cnn',
    seed: SEED,
    backend: 'wasm',
    workers: options.workers,
    // The recipe `train cnn --epochs N` picks by default for this many epochs.
    recipe: cnnRecipe('auto', options.epochs),
  });
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
    // Evaluations are timed apart, so the training time is the loop's own.
    let evaluationMs = 0;
    const evaluate = async () => {
      const start = performance.now();
      const accuracy = (await engine.evaluate()).testAccuracy ?? 0;
      evaluationMs += performance.now() - start;
      return accuracy;
    };
    const wallStart = performance.now();
    const { epochs, batchSize } = options;
    await runEpochLoop(
      engine,
      { model: 'cnn', epochs, batchSize, seed: SEED, trainImages: data.train.count },
      {
        async afterBatch({ epoch, batch, batchesPerEpoch, step }) {
          if (run.reachedAt !== undefined || (batch % options.evalEvery !== 0 && batch !== batchesPerEpoch)) return;
          const trainMs = performance.now() - wallStart - evaluationMs;
          const accuracy = await evaluate();
          if (accuracy >= options.target) {
            run.reachedAt = { epoch, step, accuracy };
            run.trainSeconds = trainMs / 1000;
            run.wallSeconds = (performance.now() - wallStart) / 1000;
          }
        },
        async afterEpoch() {
          run.epochAccuracies.push(await evaluate());
          run.rssAfterEpochMb.push(Math.round(process.memoryUsage().rss / 2 ** 20));
        },
      },
    );
    run.peakRssMb = Math.round(peakRss / 2 ** 20);
    return run;
  } finally {
    clearInterval(sampler);
    await engine.dispose();
  }
}
