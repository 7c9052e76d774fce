import { instantiateSimd } from './loader.js';

/**
 * SIMD kernels (src/ml/simd/layers.wat) for the CNN's conv → bias → ReLU → max-pool blocks and
 * its dense → bias → ReLU layers. Every pointer is a byte offset into the memory the kernels were
 * built on; tensors are row-major float32 (argmax is u8), NHWC for images. Float pointers need
 * 4-byte alignment only. Outputs must not overlap inputs except where a kernel works in place.
 */
export interface LayerKernels {
  /**
   * 2×2 max pool with stride 2 over x [batch, height, width, channels] (height and width even)
   * into y [batch, height/2, width/2, channels], recording in argmax (u8, y's shape) which window
   * position won: 0 = (0,0), 1 = (0,1), 2 = (1,0), 3 = (1,1). Ties go to the lowest number, the
   * element tfjs's MaxPool gradient also picks.
   */
  maxPool2x2(
    x: number,
    y: number,
    argmax: number,
    batch: number,
    height: number,
    width: number,
    channels: number,
  ): void;
  /**
   * Backward of conv → bias → ReLU → {@link maxPool2x2}. height and width are the unpooled sizes;
   * dy and argmax are [batch, height/2, width/2, channels], act is the ReLU output
   * [batch, height, width, channels]. Overwrites every element of dx (act's shape) with dy of its
   * window where argmax names it and act > 0, else with 0, and overwrites dbias [channels] with
   * the sum of dx over batch, height and width.
   */
  maxPool2x2GradRelu(
    dy: number,
    argmax: number,
    act: number,
    dx: number,
    dbias: number,
    batch: number,
    height: number,
    width: number,
    channels: number,
  ): void;
  /**
   * Backward of dense → bias → ReLU, in place on dh [rows, cols]: keeps dh where the ReLU output
   * act [rows, cols] is > 0 and zeroes it elsewhere, then overwrites dbias [cols] with the column
   * sums of the result.
   */
  reluGradBias(dh: number, act: number, dbias: number, rows: number, cols: number): void;
}

interface LayerExports {
  max_pool_2x2: LayerKernels['maxPool2x2'];
  max_pool_2x2_grad_relu: LayerKernels['maxPool2x2GradRelu'];
  relu_grad_bias: LayerKernels['reluGradBias'];
}

/** Instantiates the layer kernels on `memory`, usually the tfjs wasm backend's heap. */
export function layerKernels(memory: WebAssembly.Memory): LayerKernels {
  const exports = instantiateSimd<LayerExports>('layers', memory);
  return {
    maxPool2x2: exports.max_pool_2x2,
    maxPool2x2GradRelu: exports.max_pool_2x2_grad_relu,
    reluGradBias: exports.relu_grad_bias,
  };
}
