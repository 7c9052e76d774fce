import { instantiateSimd } from './loader.js';

/**
 * SIMD matrix kernels (written by src/ml/simd/gemm.wat.mjs) for the dense layers' forward and
 * backward passes and the 3×3 convolution's forward pass, input gradient and weight gradient.
 * Every pointer is a byte offset into the memory the kernels were built on; matrices are
 * row-major float32, images NHWC. Float pointers need 4-byte alignment only. Outputs must not
 * overlap inputs, and nothing outside an output is written. Any sizes work, zero included; the
 * tiles are fastest when rows come in fours and columns in eights.
 */
export interface GemmKernels {
  /**
   * c [m, p] = aᵀ·b with a [n, m] and b [n, p], or c += aᵀ·b when accumulate ≠ 0: a dense
   * layer's weight gradient xᵀ·dy, n being the batch.
   */
  atb(a: number, b: number, c: number, n: number, m: number, p: number, accumulate: number): void;
  /** c [m, p] = a·bᵀ with a [m, n] and b [p, n]: a dense layer's input gradient dy·Wᵀ. */
  abt(a: number, b: number, c: number, m: number, n: number, p: number): void;
  /**
   * c [m, p] = a·b with a [m, n] and b [n, p], plus bias [p] on every row unless bias is 0, then
   * max(0, ·) when relu ≠ 0: a dense layer's forward pass.
   */
  ab(a: number, b: number, bias: number, c: number, m: number, n: number, p: number, relu: number): void;
  /**
   * Overwrites dw [3, 3, inChannels, outChannels] with the filter gradient of a 3×3, stride 1,
   * 'same' (pad 1) convolution of x [batch, height, width, inChannels] whose output gradient is
   * dy [batch, height, width, outChannels].
   */
  conv3x3FilterGrad(
    x: number,
    dy: number,
    dw: number,
    batch: number,
    height: number,
    width: number,
    inChannels: number,
    outChannels: number,
  ): void;
  /**
   * Overwrites y [batch, height, width, outChannels] with the 3×3, stride 1, 'same' (pad 1)
   * convolution of x [batch, height, width, inChannels] with filter w [3, 3, inChannels,
   * outChannels], plus bias [outChannels] unless bias is 0, then max(0, ·) when relu ≠ 0: a
   * convolution layer's forward pass. With the filter flipped in both spatial axes and its
   * channel axes swapped, and no bias or ReLU, it is also the input gradient from dy.
   */
  conv3x3(
    x: number,
    w: number,
    bias: number,
    y: number,
    batch: number,
    height: number,
    width: number,
    inChannels: number,
    outChannels: number,
    relu: number,
  ): void;
}

interface GemmExports {
  atb: GemmKernels['atb'];
  abt: GemmKernels['abt'];
  ab: GemmKernels['ab'];
  conv3x3_filter_grad: GemmKernels['conv3x3FilterGrad'];
  conv3x3: GemmKernels['conv3x3'];
}

/** Instantiates the matrix kernels on `memory`, usually the tfjs wasm backend's heap. */
export function gemmKernels(memory: WebAssembly.Memory): GemmKernels {
  const exports = instantiateSimd<GemmExports>('gemm', memory);
  return {
    atb: exports.atb,
    abt: exports.abt,
    ab: exports.ab,
    conv3x3FilterGrad: exports.conv3x3_filter_grad,
    conv3x3: exports.conv3x3,
  };
}
