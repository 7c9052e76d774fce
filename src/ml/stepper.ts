import * as tf from '@tensorflow/tfjs-core';
import { FlatAdam } from './adam.js';
import { FlatParameters } from './parameters.js';
import type { TrainTask } from './tasks.js';
import { allFinite } from './engine/engine.js';

/** One optimiser step at a time over a task's variables, with Adam kept in flat arrays. */
export interface Stepper {
  readonly adam: FlatAdam;
  /**
   * Computes the batch's loss and gradients and, only if both are finite, applies Adam.
   * Returns the loss, or NaN when a gradient was not finite, so the caller decides what
   * a diverged step means.
   */
  step(indices: Int32Array, step: number): number;
}

export function createStepper(task: TrainTask): Stepper {
  const params = new FlatParameters(task.variables);
  const adam = new FlatAdam(params.size);
  const flat = params.read();
  const grads = new Float32Array(params.size);
  return {
    adam,
    step(indices, step) {
      const { value, grads: named } = tf.variableGrads(() => task.batchLoss(indices, step), task.variables);
      const loss = value.dataSync()[0];
      value.dispose();
      params.collect(named, grads);
      // A finite loss can hide NaN weights: ReLU and max-pool in XNNPACK map NaN to a number.
      if (!Number.isFinite(loss) || !allFinite(grads)) return NaN;
      adam.apply(flat, grads);
      params.write(flat);
      return loss;
    },
  };
}
