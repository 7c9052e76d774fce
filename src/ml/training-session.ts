import type { BackendName, Config, ModelName } from '../config.js';
import type { Mnist } from '../data/index.js';
import type { TrainEvent } from './events.js';
import type { TestMetrics } from './evaluate.js';
import { trainModel } from './train.js';

/** A training run in the background that a UI can pause, resume and cancel. */
export interface TrainingSession {
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Stops after the current batch; the last completed epoch stays saved. */
  cancel(): void;
  /** Settles when training ends: metrics on success or cancel, rejects on failure. */
  readonly done: Promise<TestMetrics>;
}

export interface SessionOptions extends Pick<Config, 'batchSize' | 'seed' | 'modelsDir' | 'workers'> {
  model: ModelName;
  epochs: number;
  backend: BackendName;
  onEvent: (event: TrainEvent) => void;
  /** Told one line when a stale lock of a dead run was cleaned up. */
  onNotice?: (line: string) => void;
  /** Added to the worker threads' nice value (Linux), so the calling thread (a UI) gets the CPU first. */
  niceness?: number;
}

/**
 * Starts training `options.model` on `data` in worker threads (even with one worker, so the
 * calling thread stays free for the UI) and hands back its controls.
 */
export function startTraining(data: Mnist, options: SessionOptions): TrainingSession {
  const controller = new AbortController();
  let release: (() => void) | undefined;
  let held: Promise<void> | undefined;
  const session = {
    get paused() {
      return held !== undefined;
    },
    pause() {
      held ??= new Promise<void>((resolve) => (release = resolve));
    },
    resume() {
      release?.();
      held = undefined;
      release = undefined;
    },
    cancel() {
      controller.abort();
      session.resume();
    },
    done: trainModel(data, {
      ...options,
      engine: 'threads',
      signal: controller.signal,
      gate: () => held ?? Promise.resolve(),
    }),
  };
  return session;
}
