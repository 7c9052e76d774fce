import type { BackendName, ModelName } from '../../config.js';
import type { TestMetrics } from '../evaluate.js';
import type { ModelMetadata } from '../model-store.js';
import type { CnnRecipe } from '../cnn-recipe.js';

/**
 * Where training steps run: in this thread, or spread over worker threads. The epoch loop
 * (epoch-loop.ts) drives either through this interface.
 */
export interface TrainEngine {
  /** The backend the computation actually runs on. */
  readonly backend: string;
  /** How many replicas share each batch. */
  readonly workers: number;
  /** The GPU adapter the computation runs on, where an engine knows it (the WebGPU pass). */
  readonly adapter?: { name: string; software: boolean };
  setLearningRate(learningRate: number): void;
  /**
   * One optimiser step on the training images at `indices` (indices into the training set)
   * in 1-based `epoch`, which with them keys the VAE's noise. Returns the batch's mean loss,
   * or NaN when the loss or a gradient was not finite (then the weights are left unchanged).
   */
  step(indices: Int32Array, epoch: number): Promise<number>;
  /** Metrics on the whole test set. */
  evaluate(): Promise<TestMetrics>;
  /** Writes the current weights as `modelsDir/<model>/` (atomically). */
  save(modelsDir: string, metadata: ModelMetadata): Promise<void>;
  /** Frees tensors and threads; the engine is unusable afterwards. */
  dispose(): Promise<void>;
}

export interface EngineOptions {
  model: ModelName;
  seed: number;
  /** The backend asked for; `auto` resolves in each thread. */
  backend: BackendName;
  /** The VAE trains on dynamically binarised images (see binarize.ts). */
  binarize?: boolean;
  /** How the classifier trains; the plain recipe when absent. */
  recipe?: CnnRecipe;
}

/** Splits `count` items into `parts` contiguous [start, end) ranges, sizes differing by at most one. */
export function splitEvenly(count: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, i) => [
    Math.floor((i * count) / parts),
    Math.floor(((i + 1) * count) / parts),
  ]);
}

/**
 * The most replicas, and so shards of a batch, one engine runs: each holds a whole model and a
 * gradient slot of its own, and threads beyond the cores only contend.
 */
export const MAX_SHARDS = 64;
