import type { BackendName, ModelName } from '../../config.js';
import type { DigitSet } from '../../data/index.js';
import type { PartialMetric } from '../evaluate.js';
import type { ModelMetadata } from '../model-store.js';
import type { CnnRecipe } from '../cnn-recipe.js';

/**
 * Messages between the coordinator and a training worker. Each worker answers requests in
 * order, one reply per request. `version` names the coordinator's current weights: a worker
 * whose copy is older reloads them from shared memory before it computes.
 */
export type WorkerRequest =
  | {
      type: 'init';
      model: ModelName;
      seed: number;
      backend: BackendName;
      train: DigitSet;
      test: DigitSet;
      binarize?: boolean;
      /** Added to this thread's nice value before it starts, where the platform sets it per thread. */
      niceness?: number;
      recipe?: CnnRecipe;
    }
  | {
      type: 'attach';
      params: Float32Array;
      /** Every replica's gradient slot; this replica writes slot `index`. */
      slots: Float32Array[];
      index: number;
      /** The slice [start, end) of the weights this replica averages and updates. */
      range: [number, number];
      publish: boolean;
    }
  | { type: 'step'; version: number; indices: Int32Array; epoch: number }
  | { type: 'update'; weights: number[]; learningRate: number }
  | { type: 'evaluate'; version: number; start: number; end: number }
  | { type: 'save'; version: number; modelsDir: string; metadata: ModelMetadata };

export type WorkerReply =
  | { type: 'ready'; backend: string; size: number }
  | { type: 'attached' }
  | { type: 'stepped'; loss: number; finite: boolean }
  | { type: 'updated' }
  | { type: 'evaluated'; metric: PartialMetric }
  | { type: 'saved' }
  /** `userFacing`: the error was a `UserFacingError`, whose one-line message is meant for the user. */
  | { type: 'error'; name: string; message: string; userFacing: boolean };
