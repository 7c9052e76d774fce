/**
 * The products and convolutions one 64-image shard of a training step hands each SIMD kernel
 * (src/ml/passes): the shapes the kernels are timed on in bench/simd-gemm.ts, and tested on beside
 * random ones in test/simd-gemm.test.ts.
 */
export const TRAINING_SHAPES = {
  /** Aᵀ·B as (n, m, p): weight gradients xᵀ·dy of the dense layers. */
  atb: [
    [64, 3136, 128],
    [64, 128, 10],
    [64, 784, 512],
    [64, 512, 784],
    [64, 2, 512],
    [64, 512, 4],
  ],
  /** A·Bᵀ as (m, n, p): input gradients dy·Wᵀ of the dense layers. */
  abt: [
    [64, 128, 3136],
    [64, 10, 128],
    [64, 784, 512],
    [64, 512, 2],
    [64, 512, 4],
    [64, 4, 512],
  ],
  /** A·B as (m, n, p): forward passes of the dense layers. */
  ab: [
    [64, 784, 512],
    [64, 512, 784],
    [64, 512, 4],
    [64, 2, 512],
    [64, 3136, 128],
    [64, 128, 10],
  ],
  /** The CNN's two 3×3 weight gradients as (batch, height, width, cin, cout). */
  convdw: [
    [64, 14, 14, 32, 64],
    [64, 28, 28, 1, 32],
  ],
} satisfies Record<string, number[][]>;
