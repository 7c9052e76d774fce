/**
 * Runs training sessions one model after another in the background and
 * reports their events as actions. Pause and cancel act on the session
 * running now; a cancel also drops the models still waiting.
 */
import { DEFAULT_EPOCHS, type Config, type ModelName } from '../../config.js';
import type { Mnist } from '../../data/index.js';
import type { TrainingSession } from '../../ml/index.js';
import type { Store } from '../state/index.js';
import type { Trainer } from './services.js';
import { firstLine } from '../../errors.js';

export interface TrainingRunner {
  /** Whether a session is running or models are waiting. */
  readonly busy: boolean;
  /** Trains `models` in turn; settles when the last ends, never rejecting (failures become actions). */
  start(data: Mnist, models: ModelName[]): Promise<void>;
  togglePause(): void;
  /** Stops after the current batch, keeping the last completed epoch; the queue is dropped. */
  cancel(): void;
  /** Cancels and waits until training has really ended. */
  stop(): Promise<void>;
}

export interface TrainingRunnerOptions {
  trainer: Trainer;
  config: Pick<Config, 'epochs' | 'batchSize' | 'seed' | 'modelsDir' | 'workers' | 'backend'>;
  store: Pick<Store, 'dispatch' | 'post'>;
  /** Called after each epoch is saved and after each model's run, to load the new copy. */
  onSaved: (model: ModelName) => void;
}

/**
 * Nice value added to the training workers' threads in the app: the thread
 * that draws the screen then gets a core as soon as a key arrives, while
 * training still takes every idle cycle (the CLI's training is left as is).
 */
export const APP_TRAINING_NICENESS = 10;

export function createTrainingRunner({ trainer, config, store, onSaved }: TrainingRunnerOptions): TrainingRunner {
  const { dispatch } = store;
  let session: TrainingSession | undefined;
  let running: Promise<void> | undefined;
  let cancelled = false;

  async function trainOne(data: Mnist, model: ModelName): Promise<boolean> {
    try {
      session = trainer(data, {
        model,
        epochs: config.epochs ?? DEFAULT_EPOCHS[model],
        batchSize: config.batchSize,
        seed: config.seed,
        modelsDir: config.modelsDir,
        workers: config.workers,
        backend: config.backend,
        niceness: APP_TRAINING_NICENESS,
        onEvent: (event) => {
          // Batch reports come many times a second and change only progress: they are shown a few times a second.
          if (event.event === 'batch') store.post({ type: 'train-event', event });
          else dispatch({ type: 'train-event', event });
          if (event.event === 'epoch') onSaved(model);
        },
        onNotice: (text) => dispatch({ type: 'message', text }),
      });
      await session.done;
      dispatch({ type: 'train-ended', model, outcome: cancelled ? 'cancelled' : 'done' });
      return !cancelled;
    } catch (error) {
      dispatch({ type: 'train-ended', model, outcome: 'failed', error: firstLine(error) });
      dispatch({ type: 'message', text: `${model.toUpperCase()} training failed: ${firstLine(error)}` });
      return false;
    } finally {
      session = undefined;
      onSaved(model);
    }
  }

  async function trainAll(data: Mnist, models: ModelName[]): Promise<void> {
    for (const model of models) {
      if (!(await trainOne(data, model))) break;
    }
  }

  return {
    get busy() {
      return running !== undefined;
    },
    start(data, models) {
      if (running !== undefined) return running;
      cancelled = false;
      dispatch({ type: 'train-queued', models });
      running = trainAll(data, models).finally(() => (running = undefined));
      return running;
    },
    togglePause() {
      if (session === undefined || cancelled) return;
      if (session.paused) session.resume();
      else session.pause();
      dispatch({ type: 'train-paused', paused: session.paused });
    },
    cancel() {
      if (running === undefined || cancelled) return;
      cancelled = true;
      session?.cancel();
      dispatch({ type: 'train-cancelling' });
    },
    async stop() {
      this.cancel();
      await running;
    },
  };
}
