import { FlatAdam } from './adam.js';
import { computeGradients } from './gradients.js';
import { FlatParameters } from './parameters.js';
import type { TrainTask } from './tasks.js';

/** One optimiser step at a time over a task's variables, with Adam kept in flat arrays. */
export interface Stepper {
  readonly adam: FlatAdam;
  /**
   * Computes the batch's loss and gradients and, only if both are finite, applies Adam.
   * Resolves to the loss, or NaN when a gradient was not finite, so the caller decides what
   * a diverged step means.
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
      const { loss, finite } = await computeGradients(task, params, indices, step, grads);
      if (!finite) return NaN;
      adam.apply(flat, grads);
      params.write(flat);
      return loss;
    },
  };
}
