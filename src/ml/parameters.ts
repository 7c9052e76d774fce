import * as tf from '@tensorflow/tfjs-core';

/**
 * A model's trainable variables viewed as one flat Float32Array, so an optimiser (and
 * data-parallel workers) can treat all of them as a single vector.
 */
export class FlatParameters {
  readonly size: number;
  private readonly offsets: number[];

  constructor(readonly variables: tf.Variable[]) {
    this.offsets = [];
    let size = 0;
    for (const v of variables) {
      this.offsets.push(size);
      size += v.size;
    }
    this.size = size;
  }

  /**
   * Copies the variables' current values into `out`. Asynchronous because a GPU backend under
   * Node can only read that way; all reads are started before the first is awaited.
   */
  async read(out: Float32Array = new Float32Array(this.size)): Promise<Float32Array> {
    return this.gather(this.variables, out);
  }

  /** Assigns `values` back to the variables. */
  write(values: Float32Array): void {
    this.variables.forEach((v, i) => {
      const slice = values.subarray(this.offsets[i], this.offsets[i] + v.size);
      // A copy: the cpu backend would otherwise keep a view into `values`, which the optimiser mutates.
      const t = tf.tensor(slice.slice(), v.shape, 'float32');
      v.assign(t);
      t.dispose();
    });
  }

  /** Flattens gradients keyed by variable name, in variable order, and disposes them. */
  async collect(grads: tf.NamedTensorMap, out: Float32Array = new Float32Array(this.size)): Promise<Float32Array> {
    const ordered = this.variables.map((v) => grads[v.name]);
    try {
      return await this.gather(ordered, out);
    } finally {
      tf.dispose(ordered);
    }
  }

  /** Writes `tensors` (one per variable, in order) into `out` at the variables' offsets. */
  private async gather(tensors: tf.Tensor[], out: Float32Array): Promise<Float32Array> {
    const values = await Promise.all(tensors.map((t) => t.data<'float32'>()));
    values.forEach((value, i) => out.set(value, this.offsets[i]));
    return out;
  }
}
