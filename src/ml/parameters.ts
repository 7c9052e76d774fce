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

  /** Copies the variables' current values into `out`. */
  read(out: Float32Array = new Float32Array(this.size)): Float32Array {
    this.variables.forEach((v, i) => out.set(v.dataSync() as Float32Array, this.offsets[i]));
    return out;
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
  collect(grads: tf.NamedTensorMap, out: Float32Array = new Float32Array(this.size)): Float32Array {
    this.variables.forEach((v, i) => {
      const g = grads[v.name];
      out.set(g.dataSync() as Float32Array, this.offsets[i]);
      g.dispose();
    });
    return out;
  }
}
