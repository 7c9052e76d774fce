import { UserFacingError } from '../errors.js';
import type { ModelName } from '../config.js';
import { shuffledBatches } from '../data/index.js';
import type { TrainEngine } from './engine/index.js';
import { learningRateAt } from './tasks.js';

/** Training stopped because the loss or gradients stopped being finite. */
export class TrainingError extends UserFacingError {
  override name = 'TrainingError';
}

/** What the loop trains: the batch order and the learning-rate schedule follow from it. */
export interface EpochPlan {
  model: ModelName;
  epochs: number;
  batchSize: number;
  /** Seeds the batch order of every epoch. */
  seed: number;
  /** Batches are drawn from training images [0, trainImages). */
  trainImages: number;
  /** Adam's peak step size, overriding the model's own (see LEARNING_SCHEDULE). */
  learningRate?: number;
}

/** Where the loop stands after one optimiser step. */
export interface BatchDone {
  /** 1-based epoch. */
  epoch: number;
  /** 1-based batch within the epoch. */
  batch: number;
  batchesPerEpoch: number;
  /** Optimiser steps taken so far in this run, this one included. */
  step: number;
  /** Images in this batch (the last of an epoch may hold fewer). */
  images: number;
  /** The batch's mean loss. */
  loss: number;
  /** Training images stepped over so far in this epoch. */
  seen: number;
  /** The clock's reading when the epoch began. */
  epochStarted: number;
}

/** One finished epoch: every batch stepped, nothing evaluated yet. */
export interface EpochDone {
  epoch: number;
  /** Mean training loss over the epoch's images. */
  loss: number;
  /** Images stepped over in the epoch. */
  seen: number;
  /** The epoch's duration on the clock, batch hooks included. */
  seconds: number;
}

/** What a caller adds to the loop; every hook is awaited before the loop goes on. */
export interface EpochHooks {
  /** Aborting stops before the next batch, or after the epoch's hook. */
  signal?: AbortSignal;
  /** Awaited before every batch, so a caller can hold training (the TUI's pause). */
  gate?: () => Promise<void>;
  /** After every step: progress reports, evaluations on the way. */
  afterBatch?: (batch: BatchDone) => Promise<void> | void;
  /** After every epoch's last step: evaluating and saving. */
  afterEpoch?: (epoch: EpochDone) => Promise<void> | void;
  /** Clock in milliseconds, injected so tests can fake it. */
  now?: () => number;
}

/** How the loop ended: the epochs it completed, and why it ended early if it did. */
export interface LoopEnd {
  epochs: number;
  stopped?: 'cancelled';
}

/**
 * The epoch loop every training run goes through (the app, the CLI, the benchmarks and the GPU
 * check): each epoch steps `engine` over seeded shuffled batches on the model's learning-rate
 * schedule. Throws TrainingError when a step's loss or gradients are not finite.
 */
export async function runEpochLoop(engine: TrainEngine, plan: EpochPlan, hooks: EpochHooks = {}): Promise<LoopEnd> {
  const { model, epochs, batchSize, seed, trainImages } = plan;
  const { signal } = hooks;
  const now = hooks.now ?? (() => performance.now());
  const batchesPerEpoch = Math.ceil(trainImages / batchSize);
  const totalSteps = batchesPerEpoch * epochs;
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const epochStart = now();
    let lossSum = 0;
    let seen = 0;
    const batches = shuffledBatches(trainImages, batchSize, seed, epoch);
    for (let b = 0; b < batches.length; b++) {
      await hooks.gate?.();
      if (signal?.aborted) return { epochs: epoch - 1, stopped: 'cancelled' };
      const indices = batches[b];
      engine.setLearningRate(learningRateAt(model, { epoch, step, totalSteps }, plan.learningRate));
      const loss = await engine.step(indices, epoch);
      if (Number.isNaN(loss)) {
        throw new TrainingError(
          `${model}: training diverged (loss or gradients became NaN or infinite) in epoch ${epoch}, ` +
            `batch ${b + 1}; ` +
            (epoch > 1 ? `the model of epoch ${epoch - 1} is kept` : 'any model saved before is unchanged'),
        );
      }
      step += 1;
      lossSum += loss * indices.length;
      seen += indices.length;
      await hooks.afterBatch?.({
        epoch,
        batch: b + 1,
        batchesPerEpoch,
        step,
        images: indices.length,
        loss,
        seen,
        epochStarted: epochStart,
      });
    }
    const seconds = (now() - epochStart) / 1000;
    await hooks.afterEpoch?.({ epoch, loss: lossSum / seen, seen, seconds });
    if (signal?.aborted && epoch < epochs) return { epochs: epoch, stopped: 'cancelled' };
  }
  return { epochs };
}
