import * as tf from '@tensorflow/tfjs-core';
import type { FlatParameters } from './parameters.js';
import type { TrainTask } from './tasks.js';

/**
 * The loss of the batch at `indices` in `epoch` and its gradients, written flat into `out`. `finite`
 * is false when the loss or any gradient is NaN or infinite: a finite loss can hide NaN
 * weights, because ReLU and max-pool in XNNPACK map NaN to a number. The task's hand-written
 * pass takes the flat `weights`; otherwise autograd runs on the variables, which must hold
 * them already. Reads are awaited, so a GPU backend can serve them under Node.
 */
export async function computeGradients(
  task: TrainTask,
  params: FlatParameters,
  weights: Float32Array,
  indices: Int32Array,
  epoch: number,
  out: Float32Array,
): Promise<{ loss: number; finite: boolean }> {
  if (task.handPass !== undefined) {
    const loss = task.handPass(weights, indices, epoch, out);
    return { loss, finite: Number.isFinite(loss) && allFinite(out) };
  }
  const { value, grads } = tf.variableGrads(() => task.batchLoss(indices, epoch), task.variables);
  // The loss and the gradients are read together: one wait for the backend, not two.
  const [[loss]] = await Promise.all([value.data(), params.collect(grads, out)]).finally(() => value.dispose());
  return { loss, finite: Number.isFinite(loss) && allFinite(out) };
}

/**
 * Whether every value is finite, by summing in float64: a sum of float32 values cannot overflow
 * there, so it is finite exactly when they all are. Four running sums keep the adds independent,
 * several times faster than testing each value.
 */
export function allFinite(values: Float32Array): boolean {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 4 <= values.length; i += 4) {
    a += values[i];
    b += values[i + 1];
    c += values[i + 2];
    d += values[i + 3];
  }
  for (; i < values.length; i++) a += values[i];
  return Number.isFinite(a + b + c + d);
}
