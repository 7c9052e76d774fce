import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { IMAGE_SIDE, NUM_CLASSES } from '../../data/index.js';
import { turnFilter } from './turn-filter.js';
import { simdKernels } from '../simd/index.js';
import { WasmHeap } from './wasm-heap.js';
import { layoutWeights, slice, type WeightSlot } from './weight-layout.js';

const [C1, C2, HIDDEN] = [32, 64, 128];
/** Side of the image after each 2×2 pool. */
const [S1, S2] = [IMAGE_SIDE / 2, IMAGE_SIDE / 4];
const FLAT = S2 * S2 * C2;

/**
 * The classifier's trainable variables in order (see cnn.ts): conv1, conv2, dense, logits. The
 * WebGPU pass (ml/webgpu) lays its weights out the same way.
 */
export const CNN_SHAPES = [
  [3, 3, 1, C1],
  [C1],
  [3, 3, C1, C2],
  [C2],
  [FLAT, HIDDEN],
  [HIDDEN],
  [HIDDEN, NUM_CLASSES],
  [NUM_CLASSES],
];

/** One training step of the classifier, computed by hand rather than by tfjs autograd. */
export interface CnnStep {
  /**
   * The mean softmax cross-entropy of `images` (normalised, [batch, 28, 28, 1]) against
   * `labels` under `weights` (flat, in variable order), with its gradient written into `out`.
   */
  gradients(weights: Float32Array, images: Float32Array, labels: Int32Array, out: Float32Array): number;
}

/**
 * The classifier's forward and backward pass as one fixed sequence of our SIMD kernels on the
 * wasm backend's heap, bias and ReLU fused into the products that make them. Autograd would
 * instead run ~230 tfjs kernels a step, with a transpose, a ReLU mask and a separate bias sum
 * around every layer, and XNNPACK would repack every freshly updated filter before using it.
 */
export function createCnnStep(backend: BackendWasm, variableShapes: number[][]): CnnStep {
  const slots = layoutWeights('cnn', CNN_SHAPES, variableShapes);
  const [w1, b1, w2, b2, w3, b3, w4, b4] = slots;
  const heap = new WasmHeap(backend);
  const { gemm, layers } = simdKernels(backend);
  const total = slots.reduce((sum, s) => sum + s.size, 0);

  return {
    gradients(weights, images, labels, out) {
      const batch = labels.length;
      try {
        const p = (info: tf.TensorInfo, slot?: WeightSlot) => heap.ptr(info, slot);
        const params = heap.from([total], weights);
        const x = heap.from([batch, IMAGE_SIDE, IMAGE_SIDE, 1], images);
        const grad = heap.alloc([total]);

        const h1 = heap.alloc([batch, IMAGE_SIDE, IMAGE_SIDE, C1]);
        gemm.conv3x3(p(x), p(params, w1), p(params, b1), p(h1), batch, IMAGE_SIDE, IMAGE_SIDE, 1, C1, 1);
        const p1 = heap.alloc([batch, S1, S1, C1]);
        const arg1 = heap.alloc([batch, S1, S1, C1], 'bool');
        layers.maxPool2x2(p(h1), p(p1), p(arg1), batch, IMAGE_SIDE, IMAGE_SIDE, C1);
        const h2 = heap.alloc([batch, S1, S1, C2]);
        gemm.conv3x3(p(p1), p(params, w2), p(params, b2), p(h2), batch, S1, S1, C1, C2, 1);
        const p2 = heap.alloc([batch, FLAT]); // [batch, 7, 7, 64] flattened
        const arg2 = heap.alloc([batch, FLAT], 'bool');
        layers.maxPool2x2(p(h2), p(p2), p(arg2), batch, S1, S1, C2);
        const h3 = heap.alloc([batch, HIDDEN]);
        gemm.ab(p(p2), p(params, w3), p(params, b3), p(h3), batch, FLAT, HIDDEN, 1);
        const logits = heap.alloc([batch, NUM_CLASSES]);
        gemm.ab(p(h3), p(params, w4), p(params, b4), p(logits), batch, HIDDEN, NUM_CLASSES, 0);

        const dLogits = heap.alloc([batch, NUM_CLASSES]);
        const loss = softmaxCrossEntropy(heap.f32(logits), labels, heap.f32(dLogits));
        columnSums(heap.f32(dLogits), NUM_CLASSES, slice(heap.f32(grad), b4));
        gemm.atb(p(h3), p(dLogits), p(grad, w4), batch, HIDDEN, NUM_CLASSES, 0);
        const dh3 = heap.alloc([batch, HIDDEN]);
        gemm.abt(p(dLogits), p(params, w4), p(dh3), batch, NUM_CLASSES, HIDDEN);
        layers.reluGradBias(p(dh3), p(h3), p(grad, b3), batch, HIDDEN);
        gemm.atb(p(p2), p(dh3), p(grad, w3), batch, FLAT, HIDDEN, 0);
        const dp2 = heap.alloc([batch, FLAT]);
        gemm.abt(p(dh3), p(params, w3), p(dp2), batch, HIDDEN, FLAT);

        const dh2 = heap.alloc([batch, S1, S1, C2]);
        layers.maxPool2x2GradRelu(p(dp2), p(arg2), p(h2), p(dh2), p(grad, b2), batch, S1, S1, C2);
        gemm.conv3x3FilterGrad(p(p1), p(dh2), p(grad, w2), batch, S1, S1, C1, C2);
        // The input gradient is the convolution of dh2 with the filter turned around.
        const turned = heap.alloc([3, 3, C2, C1]);
        turnFilter(slice(weights, w2), heap.f32(turned), w2.shape);
        const dp1 = heap.alloc([batch, S1, S1, C1]);
        gemm.conv3x3(p(dh2), p(turned), 0, p(dp1), batch, S1, S1, C2, C1, 0);
        const dh1 = heap.alloc([batch, IMAGE_SIDE, IMAGE_SIDE, C1]);
        layers.maxPool2x2GradRelu(p(dp1), p(arg1), p(h1), p(dh1), p(grad, b1), batch, IMAGE_SIDE, IMAGE_SIDE, C1);
        gemm.conv3x3FilterGrad(p(x), p(dh1), p(grad, w1), batch, IMAGE_SIDE, IMAGE_SIDE, 1, C1);

        out.set(heap.f32(grad));
        return loss;
      } finally {
        heap.releaseAll();
      }
    },
  };
}

/**
 * The batch's mean cross-entropy of softmax(logits) against `labels`, and its gradient with
 * respect to the logits, (softmax − one-hot) / batch, written into `dLogits`.
 */
function softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, dLogits: Float32Array): number {
  const batch = labels.length;
  const classes = logits.length / batch;
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row + k]);
    let total = 0;
    for (let k = 0; k < classes; k++) total += Math.exp(logits[row + k] - max);
    loss -= logits[row + labels[b]] - max - Math.log(total);
    for (let k = 0; k < classes; k++) dLogits[row + k] = Math.exp(logits[row + k] - max) / total / batch;
    dLogits[row + labels[b]] -= 1 / batch;
  }
  return loss / batch;
}

/** out[c] = Σ_r m[r, c] over a row-major matrix with `cols` columns. */
export function columnSums(m: Float32Array, cols: number, out: Float32Array): void {
  out.fill(0);
  for (let i = 0; i < m.length; i += cols) for (let c = 0; c < cols; c++) out[c] += m[i + c];
}
