import type { Config, ModelName } from '../config.js';
import { shuffledBatches, type Mnist } from '../data/index.js';
import { DEFAULT_ADAM } from './adam.js';
import type { TrainEvent } from './events.js';
import { saveModelSet, type ModelMetadata } from './model-store.js';
import { createStepper } from './stepper.js';
import { createTask, LEARNING_RATE_DECAY } from './tasks.js';
import type { TestMetrics } from './evaluate.js';

export class TrainingError extends Error {
  override name = 'TrainingError';
}

export interface TrainOptions extends Pick<Config, 'batchSize' | 'seed' | 'modelsDir' | 'workers'> {
  model: ModelName;
  epochs: number;
  /** Name of the backend in use, recorded in the metadata. */
  backend: string;
  onEvent: (event: TrainEvent) => void;
  /** Aborting stops after the current batch; the last completed epoch stays saved. */
  signal?: AbortSignal;
  /** Awaited between batches, so a caller can hold training (the TUI's pause). */
  gate?: () => Promise<void>;
  /** Adam's initial step size; decays per epoch (see LEARNING_RATE_DECAY). */
  learningRate?: number;
  /** Clock in milliseconds, injected so tests can fake it. */
  now?: () => number;
}

/** How often (in batches) progress is reported; each report costs a loss read-back. */
const REPORT_EVERY = 5;

/**
 * Trains one model on `data`, saving it after every completed epoch. Throws TrainingError
 * when the loss stops being finite; the copy saved after the previous epoch is kept.
 */
export async function trainModel(data: Mnist, options: TrainOptions): Promise<TestMetrics> {
  const { model, epochs, batchSize, seed, onEvent, signal } = options;
  const now = options.now ?? (() => performance.now());
  const task = createTask(model, data.train, seed);
  const stepper = createStepper(task);
  const batchesPerEpoch = Math.ceil(data.train.count / batchSize);
  const lossHistory: number[] = [];
  let metrics: TestMetrics = {};
  let step = 0;
  const started = now();
  onEvent({
    event: 'start',
    model,
    epochs,
    batchesPerEpoch,
    trainImages: data.train.count,
    backend: options.backend,
    workers: options.workers,
  });
  try {
    const stopped = await runEpochs();
    onEvent({
      event: 'done',
      model,
      epochs: lossHistory.length,
      seconds: (now() - started) / 1000,
      ...(stopped ? { stopped } : {}),
      ...metrics,
    });
    return metrics;
  } finally {
    for (const part of Object.values(task.parts)) part.dispose();
  }

  /** Runs the planned epochs; says 'cancelled' when the signal cut them short. */
  async function runEpochs(): Promise<'cancelled' | undefined> {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      stepper.adam.learningRate =
        (options.learningRate ?? DEFAULT_ADAM.learningRate) * LEARNING_RATE_DECAY[model] ** (epoch - 1);
      const epochStart = now();
      let lossSum = 0;
      let seen = 0;
      const batches = shuffledBatches(data.train.count, batchSize, seed, epoch);
      for (let b = 0; b < batches.length; b++) {
        await options.gate?.();
        if (signal?.aborted) return 'cancelled';
        const indices = batches[b];
        const loss = stepper.step(indices, step);
        if (!Number.isFinite(loss)) {
          throw new TrainingError(
            `${model}: training diverged (loss or gradients became NaN or infinite) in epoch ${epoch}, batch ${b + 1}; ` +
              (epoch > 1 ? `the model of epoch ${epoch - 1} is kept` : 'any model saved before is unchanged'),
          );
        }
        step += 1;
        lossSum += loss * indices.length;
        seen += indices.length;
        if ((b + 1) % REPORT_EVERY === 0 || b + 1 === batches.length) {
          const rate = seen / ((now() - epochStart) / 1000);
          const remaining = (epochs - epoch) * data.train.count + (data.train.count - seen);
          onEvent({
            event: 'batch',
            model,
            epoch,
            batch: b + 1,
            batchesPerEpoch,
            loss,
            imagesPerSecond: rate,
            etaSeconds: remaining / rate,
          });
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      const seconds = (now() - epochStart) / 1000;
      const epochLoss = lossSum / seen;
      metrics = task.evaluate(data.test);
      lossHistory.push(epochLoss);
      const metadata: ModelMetadata = {
        model,
        dataset: data.source,
        trainImages: data.train.count,
        epochs: epoch,
        epochsPlanned: epochs,
        batchSize,
        seed,
        backend: options.backend,
        workers: options.workers,
        metrics,
        lossHistory,
        date: new Date().toISOString(),
      };
      await saveModelSet(options.modelsDir, model, task.parts, metadata);
      onEvent({ event: 'epoch', model, epoch, loss: epochLoss, seconds, imagesPerSecond: seen / seconds, ...metrics });
      if (signal?.aborted && epoch < epochs) return 'cancelled';
    }
    return undefined;
  }
}
