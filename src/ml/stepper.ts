import { FlatAdam } from './adam.js';
import { computeGradients } from './gradients.js';
import { FlatParameters } from './parameters.js';
import type { TrainTask } from './tasks.js';

/** One optimiser step at a time over a task's variables, with Adam kept in flat arrays. */
export interface Stepper {
  readonly adam: FlatAdam;
  /**
   * Computes the loss and gradients of the training images at `indices` in 1-based `epoch`
   * (which keys the VAE's noise) and, only if both are finite, applies Adam.
   * Resolves to the loss, or NaN when a gradient was not finite, so the caller decides what
   * a diverged step means.
   */
  step(indices: Int32Array, epoch: number): Promise<number>;
  /** Brings the task's variables up to date, for evaluating or saving them. */
  sync(): void;
}

export async function createStepper(task: TrainTask): Promise<Stepper> {
  const params = new FlatParameters(task.variables);
  const adam = new FlatAdam(params.size);
  const flat = await params.read();
  const grads = new Float32Array(params.size);
  // A hand-written pass reads the flat weights, so the variables need writing only when read.
  const lazy = task.handPass !== undefined;
  let stale = false;
  const sync = () => {
    if (stale) params.write(flat);
    stale = false;
  };
  return {
    adam,
    async step(indices, epoch) {
      const { loss, finite } = await computeGradients(task, params, flat, indices, epoch, grads);
      if (!finite) return NaN;
      adam.apply(flat, grads);
      stale = true;
      if (!lazy) sync();
      return loss;
    },
    sync,
  };
}
