import { DEFAULT_AUGMENT, type Augment, type BackendName, type Config, type ModelName } from '../config.js';
import type { Mnist } from '../data/index.js';
import { initBackend } from './backend.js';
import { createLocalEngine, createWorkerEngine, type TrainEngine } from './engine/index.js';
import { runEpochLoop } from './epoch-loop.js';
import type { TestMetrics } from './evaluate.js';
import type { TrainEvent } from './events.js';
import type { ModelMetadata } from './model-store.js';
import { acquireModelsLock } from './models-lock.js';
import { createCnnGpuEngine } from './webgpu/index.js';
import { cnnRecipe, type CnnRecipe } from './cnn-recipe.js';

export { TrainingError } from './epoch-loop.js';

export interface TrainOptions extends Pick<Config, 'batchSize' | 'seed' | 'modelsDir' | 'workers'> {
  model: ModelName;
  epochs: number;
  /** The backend asked for; the one used is reported in the start event. */
  backend: BackendName;
  /**
   * `threads` runs every step in worker threads (even with one worker, which keeps the
   * calling thread free for a UI); `local` computes in the calling thread. By default,
   * threads when `workers` > 1.
   */
  engine?: 'local' | 'threads';
  onEvent: (event: TrainEvent) => void;
  /** Aborting stops after the current batch; the last completed epoch stays saved. */
  signal?: AbortSignal;
  /** Awaited between batches, so a caller can hold training (the TUI's pause). */
  gate?: () => Promise<void>;
  /** Adam's peak step size, overriding the model's own (see LEARNING_SCHEDULE). */
  learningRate?: number;
  /** The VAE trains on dynamically binarised images (binarize.ts); its metadata says so. */
  binarize?: boolean;
  /** The classifier's training recipe (see cnn-recipe.ts); `auto` when absent. */
  augment?: Augment;
  /** Clock in milliseconds, injected so tests can fake it. */
  now?: () => number;
  /** Told one line when something left by a dead run (a stale lock) was cleaned up. */
  onNotice?: (line: string) => void;
  /** Added to the nice value of the worker threads (Linux; none by default), see `WorkerEngineOptions`. */
  niceness?: number;
}

/**
 * Whether the classifier trains through the hand-written WGSL pass, in this thread: on webgpu,
 * asked for or chosen by `auto` (which measured that pass), but not where threads were asked
 * for to keep this thread free (the TUI), nor for the VAE, which has no pass yet.
 */
async function onGpuPass({ model, backend, engine }: TrainOptions): Promise<boolean> {
  if (model !== 'cnn' || engine === 'threads') return false;
  if (backend === 'webgpu') return true;
  if (backend !== 'auto') return false;
  // `auto` is asked first without starting a backend in this thread: where it would not take
  // WebGPU, the engines start their own, and with worker threads this one stays free of tfjs.
  if ((await (await import('./backends/index.js')).autoGpuChoice()).backend !== 'webgpu') return false;
  return (await initBackend('auto', 'async')) === 'webgpu';
}

/**
 * The classifier's recipe for this run. The WebGPU pass keeps the training set on the GPU and
 * gathers its batches there, without shifts, so there it trains unshifted, and says so once.
 */
function recipeFor(options: TrainOptions, onGpu: boolean): CnnRecipe {
  const recipe = cnnRecipe(options.augment ?? DEFAULT_AUGMENT, options.epochs);
  if (!onGpu || recipe.maxShift === 0) return recipe;
  options.onNotice?.(
    'the webgpu pass trains the CNN on unshifted images (--augment picks only its initialisation there)',
  );
  return { ...recipe, maxShift: 0 };
}

/** How often (in batches) progress is reported. */
const REPORT_EVERY = 5;

/**
 * Trains one model on `data`, saving it after every completed epoch. Throws TrainingError
 * when the loss or gradients stop being finite; the copy saved before is kept. The models
 * folder's lock is held for the whole run, so a second run into the same folder (CLI or
 * TUI) is refused before it trains (ModelsDirError); `train all` takes it once per model.
 */
export async function trainModel(data: Mnist, options: TrainOptions): Promise<TestMetrics> {
  const lock = await acquireModelsLock(options.modelsDir, options.onNotice);
  try {
    return await trainLocked(data, options);
  } finally {
    await lock.release();
  }
}

async function trainLocked(data: Mnist, options: TrainOptions): Promise<TestMetrics> {
  const { model, epochs, batchSize, seed, onEvent, signal } = options;
  const now = options.now ?? (() => performance.now());
  const threaded = (options.engine ?? (options.workers > 1 ? 'threads' : 'local')) === 'threads';
  const binarize = model === 'vae' && options.binarize === true;
  const onGpu = await onGpuPass(options);
  const recipe = model === 'cnn' ? recipeFor(options, onGpu) : undefined;
  const engineOptions = { model, seed, backend: options.backend, binarize, recipe };
  const engine = onGpu
    ? await createCnnGpuEngine(data, engineOptions)
    : threaded
      ? await createWorkerEngine(data, { ...engineOptions, workers: options.workers, niceness: options.niceness })
      : await createLocalEngine(data, engineOptions);
  try {
    return await runEpochs(engine);
  } finally {
    await engine.dispose();
  }

  async function runEpochs(engine: TrainEngine): Promise<TestMetrics> {
    const batchesPerEpoch = Math.ceil(data.train.count / batchSize);
    const lossHistory: number[] = [];
    let metrics: TestMetrics = {};
    const started = now();
    const done = (stopped?: 'cancelled') => {
      const seconds = (now() - started) / 1000;
      onEvent({
        event: 'done',
        model,
        epochs: lossHistory.length,
        seconds,
        ...(stopped ? { stopped } : {}),
        ...metrics,
      });
      return metrics;
    };
    const { backend, workers, adapter } = engine;
    const trainImages = data.train.count;
    onEvent({
      event: 'start',
      model,
      epochs,
      batchesPerEpoch,
      trainImages,
      backend,
      workers,
      ...(adapter && { adapter }),
    });
    const plan = { model, epochs, batchSize, seed, trainImages, learningRate: options.learningRate };
    const end = await runEpochLoop(engine, plan, {
      signal,
      gate: options.gate,
      now,
      async afterBatch({ epoch, batch, loss, seen, epochStarted }) {
        if (batch % REPORT_EVERY === 0 || batch === batchesPerEpoch) {
          const rate = seen / ((now() - epochStarted) / 1000);
          const remaining = (epochs - epoch) * data.train.count + (data.train.count - seen);
          onEvent({
            event: 'batch',
            model,
            epoch,
            batch,
            batchesPerEpoch,
            loss,
            imagesPerSecond: rate,
            etaSeconds: remaining / rate,
          });
          // Lets signals and UI input through between batches.
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      async afterEpoch({ epoch, loss: epochLoss, seen, seconds }) {
        metrics = await engine.evaluate();
        lossHistory.push(epochLoss);
        const metadata: ModelMetadata = {
          model,
          dataset: data.source,
          trainImages: data.train.count,
          epochs: epoch,
          epochsPlanned: epochs,
          batchSize,
          seed,
          backend,
          workers,
          ...(recipe && { recipe }),
          metrics,
          lossHistory,
          date: new Date().toISOString(),
          ...(binarize && { binarized: true }),
        };
        await engine.save(options.modelsDir, metadata);
        onEvent({
          event: 'epoch',
          model,
          epoch,
          loss: epochLoss,
          seconds,
          imagesPerSecond: seen / seconds,
          ...metrics,
        });
      },
    });
    return done(end.stopped);
  }
}
