/** Hyper-parameters of Adam, defaulting to the values PyTorch and Keras share. */
export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_ADAM: AdamOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Adam over one flat parameter vector. Kept in plain typed arrays rather than tfjs ops because
 * a fused loop is one pass over memory instead of a dozen kernel launches per variable, and
 * because data-parallel workers exchange gradients as flat arrays anyway.
 */
export class FlatAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;
  learningRate: number;

  constructor(
    size: number,
    private readonly options: AdamOptions = DEFAULT_ADAM,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
    this.learningRate = options.learningRate;
  }

  /** Updates `params` in place from `grads` (same length). */
  apply(params: Float32Array, grads: Float32Array): void {
    const { beta1, beta2, epsilon } = this.options;
    this.step += 1;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const stepSize = this.learningRate / correction1;
    // A multiplication where the formula divides: division and square root share one slow unit.
    const inverseRoot2 = 1 / Math.sqrt(correction2);
    const { m, v } = this;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      const mi = beta1 * m[i] + (1 - beta1) * g;
      const vi = beta2 * v[i] + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] -= (stepSize * mi) / (Math.sqrt(vi) * inverseRoot2 + epsilon);
    }
  }
}
