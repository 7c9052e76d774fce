import { instantiateSimd } from './simd/loader.js';

/** Hyper-parameters of Adam, defaulting to the values PyTorch and Keras share. */
export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_ADAM: AdamOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** The `adam` SIMD module's one kernel (src/ml/simd/adam.wat). */
interface AdamKernel {
  adam(
    params: number,
    grads: number,
    m: number,
    v: number,
    n: number,
    stepSize: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    epsilon: number,
    inverseRoot2: number,
  ): void;
}

const FLOAT_BYTES = 4;
const PAGE_BYTES = 65536;

/**
 * Adam over one flat parameter vector. Kept in plain arrays rather than tfjs ops because a
 * fused loop is one pass over memory instead of a dozen kernel launches per variable, and
 * because data-parallel workers exchange gradients as flat arrays anyway. The loop runs in a
 * SIMD kernel on a memory of its own, which holds the moments between steps: copying the
 * parameters and gradients in and out costs less than the square roots and divisions of a
 * scalar loop in JS (figures in BENCHMARKS.md).
 */
export class FlatAdam {
  private readonly kernel: AdamKernel;
  private readonly heap: Float32Array;
  private step = 0;
  learningRate: number;

  constructor(
    readonly size: number,
    private readonly options: AdamOptions = DEFAULT_ADAM,
  ) {
    // Four vectors, in this order: first moments, second moments, parameters, gradients.
    const pages = Math.max(1, Math.ceil((4 * size * FLOAT_BYTES) / PAGE_BYTES));
    const memory = new WebAssembly.Memory({ initial: pages });
    this.kernel = instantiateSimd<AdamKernel>('adam', memory);
    this.heap = new Float32Array(memory.buffer, 0, 4 * size);
    this.learningRate = options.learningRate;
  }

  /** Updates `params` in place from `grads` (both `size` long). */
  apply(params: Float32Array, grads: Float32Array): void {
    const { beta1, beta2, epsilon } = this.options;
    this.step += 1;
    const stepSize = this.learningRate / (1 - beta1 ** this.step);
    const inverseRoot2 = 1 / Math.sqrt(1 - beta2 ** this.step);
    const n = this.size;
    this.heap.set(params, 2 * n);
    this.heap.set(grads, 3 * n);
    const at = (vector: number) => vector * n * FLOAT_BYTES;
    this.kernel.adam(
      at(2),
      at(3),
      at(0),
      at(1),
      n,
      stepSize,
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      epsilon,
      inverseRoot2,
    );
    params.set(this.heap.subarray(2 * n, 3 * n));
  }
}
