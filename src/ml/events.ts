import type { ModelName } from '../config.js';
import type { TestMetrics } from './evaluate.js';

/**
 * Progress of a training run, as plain data so it can cross a worker boundary and be
 * printed as JSON lines or drawn by the TUI alike.
 */
export type TrainEvent =
  | {
      event: 'start';
      model: ModelName;
      epochs: number;
      batchesPerEpoch: number;
      trainImages: number;
      backend: string;
      workers: number;
      /** The GPU adapter, where the hand-written WebGPU pass trains: its name, and whether it is software. */
      adapter?: { name: string; software: boolean };
    }
  | {
      event: 'batch';
      model: ModelName;
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      loss: number;
      imagesPerSecond: number;
      etaSeconds: number;
    }
  | ({
      event: 'epoch';
      model: ModelName;
      epoch: number;
      loss: number;
      seconds: number;
      imagesPerSecond: number;
    } & TestMetrics)
  | ({
      event: 'done';
      model: ModelName;
      epochs: number;
      seconds: number;
      /** Why training ended before its planned epochs, if it did. */
      stopped?: 'cancelled';
    } & TestMetrics);
