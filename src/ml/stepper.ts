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
   * Resolves to the loss, or NaN when a gradient was not finite, so the caller decides what
   * a diverged step means. Reads are awaited, so a GPU backend can serve it under Node.
   */
  step(indices: Int32Array, step: number): Promise<number>;
}

export async function createStepper(task: TrainTask): Promise<Stepper> {
  const params = new FlatParameters(task.variables);
  const adam = new FlatAdam(params.size);
  const flat = await params.read();
  const grads = new Float32Array(params.size);
  return {
    adam,
    async step(indices, step) {
      const { value, grads: named } = tf.variableGrads(() => task.batchLoss(indices, step), task.variables);
      // The loss and the gradients are read together: one wait for the backend, not two.
      const [[loss]] = await Promise.all([value.data(), params.collect(named, grads)]).finally(() => value.dispose());
      // A finite loss can hide NaN weights: ReLU and max-pool in XNNPACK map NaN to a number.
      if (!Number.isFinite(loss) || !allFinite(grads)) return NaN;
      adam.apply(flat, grads);
      params.write(flat);
      return loss;
    },
  };
}
