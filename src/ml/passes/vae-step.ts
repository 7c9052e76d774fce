import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { IMAGE_PIXELS } from '../../data/index.js';
import { simdKernels } from '../simd/index.js';
import { PROBABILITY_EPSILON } from '../vae.js';
import { columnSums } from './cnn-step.js';
import { WasmHeap } from './wasm-heap.js';
import { layoutWeights, slice, type WeightSlot } from './weight-layout.js';

const HIDDEN = 512;
const LATENT = 2;
/** mu and logvar side by side: the two heads run as one matrix product. */
const HEADS = 2 * LATENT;

/** The VAE's trainable variables in order (see vae.ts): encoder hidden, mu, logvar; decoder hidden, pixels. */
const VAE_SHAPES = [
  [IMAGE_PIXELS, HIDDEN],
  [HIDDEN],
  [HIDDEN, LATENT],
  [LATENT],
  [HIDDEN, LATENT],
  [LATENT],
  [LATENT, HIDDEN],
  [HIDDEN],
  [HIDDEN, IMAGE_PIXELS],
  [IMAGE_PIXELS],
];

/** One training step of the VAE, computed by hand rather than by tfjs autograd. */
export interface VaeStep {
  /**
   * The batch's mean negative ELBO (see `vaeLoss`) of `images` ([batch, 784] in [0, 1]) with
   * reparameterisation noise `noise` ([batch, 2]) under `weights` (flat, in variable order),
   * with its gradient written into `out`.
   */
  gradients(weights: Float32Array, images: Float32Array, noise: Float32Array, out: Float32Array): number;
}

/**
 * The VAE's forward and backward pass on the wasm heap as a fixed sequence of our SIMD matrix
 * kernels, with the small per-image algebra (reparameterisation, loss, KL) in plain loops.
 */
export function createVaeStep(backend: BackendWasm, variableShapes: number[][]): VaeStep {
  const slots = layoutWeights('vae', VAE_SHAPES, variableShapes);
  const [we, be, wMu, bMu, wLv, bLv, wd, bd, wp, bp] = slots;
  const heap = new WasmHeap(backend);
  const { gemm, layers } = simdKernels(backend);
  const total = slots.reduce((sum, s) => sum + s.size, 0);
  const heads = new Float32Array(HIDDEN * HEADS + HEADS);

  return {
    gradients(weights, images, noise, out) {
      const batch = images.length / IMAGE_PIXELS;
      try {
        const p = (info: tf.TensorInfo, slot?: WeightSlot) => heap.ptr(info, slot);
        const params = heap.from([total], weights);
        packHeads(slice(weights, wMu), slice(weights, wLv), slice(weights, bMu), slice(weights, bLv), heads);
        const headWeights = heap.from([heads.length], heads); // [512, 4] then bias [4]
        const headBias = heap.ptr(headWeights, { offset: HIDDEN * HEADS });
        const x = heap.from([batch, IMAGE_PIXELS], images);
        const grad = heap.alloc([total]);

        const he = heap.alloc([batch, HIDDEN]);
        gemm.ab(p(x), p(params, we), p(params, be), p(he), batch, IMAGE_PIXELS, HIDDEN, 1);
        const muLv = heap.alloc([batch, HEADS]);
        gemm.ab(p(he), p(headWeights), headBias, p(muLv), batch, HIDDEN, HEADS, 0);
        const z = heap.alloc([batch, LATENT]);
        reparameterise(heap.f32(muLv), noise, heap.f32(z));
        const hd = heap.alloc([batch, HIDDEN]);
        gemm.ab(p(z), p(params, wd), p(params, bd), p(hd), batch, LATENT, HIDDEN, 1);
        const logits = heap.alloc([batch, IMAGE_PIXELS]);
        gemm.ab(p(hd), p(params, wp), p(params, bp), p(logits), batch, HIDDEN, IMAGE_PIXELS, 0);

        const dLogits = heap.alloc([batch, IMAGE_PIXELS]);
        const bce = binaryCrossEntropy(heap.f32(logits), images, heap.f32(dLogits), batch);
        columnSums(heap.f32(dLogits), IMAGE_PIXELS, slice(heap.f32(grad), bp));
        gemm.atb(p(hd), p(dLogits), p(grad, wp), batch, HIDDEN, IMAGE_PIXELS, 0);
        const dhd = heap.alloc([batch, HIDDEN]);
        gemm.abt(p(dLogits), p(params, wp), p(dhd), batch, IMAGE_PIXELS, HIDDEN);
        layers.reluGradBias(p(dhd), p(hd), p(grad, bd), batch, HIDDEN);
        gemm.atb(p(z), p(dhd), p(grad, wd), batch, LATENT, HIDDEN, 0);
        const dz = heap.alloc([batch, LATENT]);
        gemm.abt(p(dhd), p(params, wd), p(dz), batch, HIDDEN, LATENT);

        const dMuLv = heap.alloc([batch, HEADS]);
        const kl = klAndHeadGradient(heap.f32(muLv), noise, heap.f32(dz), heap.f32(dMuLv));
        const headGrad = heap.alloc([heads.length]);
        columnSums(heap.f32(dMuLv), HEADS, heap.f32(headGrad).subarray(HIDDEN * HEADS));
        gemm.atb(p(he), p(dMuLv), p(headGrad), batch, HIDDEN, HEADS, 0);
        const g = heap.f32(grad);
        unpackHeads(heap.f32(headGrad), slice(g, wMu), slice(g, wLv), slice(g, bMu), slice(g, bLv));
        const dhe = heap.alloc([batch, HIDDEN]);
        gemm.abt(p(dMuLv), p(headWeights), p(dhe), batch, HEADS, HIDDEN);
        layers.reluGradBias(p(dhe), p(he), p(grad, be), batch, HIDDEN);
        gemm.atb(p(x), p(dhe), p(grad, we), batch, IMAGE_PIXELS, HIDDEN, 0);

        out.set(heap.f32(grad));
        return (bce + kl) / batch;
      } finally {
        heap.releaseAll();
      }
    },
  };
}

/** The mu and logvar heads as one [512, 4] matrix followed by its bias [4]. */
function packHeads(
  wMu: Float32Array,
  wLv: Float32Array,
  bMu: Float32Array,
  bLv: Float32Array,
  out: Float32Array,
): void {
  for (let i = 0; i < HIDDEN; i++) {
    for (let j = 0; j < LATENT; j++) {
      out[i * HEADS + j] = wMu[i * LATENT + j];
      out[i * HEADS + LATENT + j] = wLv[i * LATENT + j];
    }
  }
  out.set(bMu, HIDDEN * HEADS);
  out.set(bLv, HIDDEN * HEADS + LATENT);
}

/** The inverse of `packHeads`, for the heads' gradient. */
function unpackHeads(
  packed: Float32Array,
  wMu: Float32Array,
  wLv: Float32Array,
  bMu: Float32Array,
  bLv: Float32Array,
): void {
  for (let i = 0; i < HIDDEN; i++) {
    for (let j = 0; j < LATENT; j++) {
      wMu[i * LATENT + j] = packed[i * HEADS + j];
      wLv[i * LATENT + j] = packed[i * HEADS + LATENT + j];
    }
  }
  bMu.set(packed.subarray(HIDDEN * HEADS, HIDDEN * HEADS + LATENT));
  bLv.set(packed.subarray(HIDDEN * HEADS + LATENT, HIDDEN * HEADS + HEADS));
}

/** z = mu + noise · exp(logvar / 2), row by row from [mu | logvar]. */
function reparameterise(muLv: Float32Array, noise: Float32Array, z: Float32Array): void {
  for (let b = 0; b < noise.length / LATENT; b++) {
    for (let j = 0; j < LATENT; j++) {
      const i = b * LATENT + j;
      z[i] = muLv[b * HEADS + j] + noise[i] * Math.exp(0.5 * muLv[b * HEADS + LATENT + j]);
    }
  }
}

/**
 * The batch's summed cross-entropy of sigmoid(logits), clipped to [ε, 1 − ε] as in `vaeLoss`,
 * against `images`, and the gradient of its batch mean with respect to the logits: (p − x) /
 * batch, or 0 where the clip holds p (its derivative there is 0).
 */
function binaryCrossEntropy(logits: Float32Array, images: Float32Array, dLogits: Float32Array, batch: number): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = 1 / (1 + Math.exp(-logits[i]));
    const clipped = Math.min(Math.max(p, PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON);
    const x = images[i];
    sum -= x * Math.log(clipped) + (1 - x) * Math.log(1 - clipped);
    dLogits[i] = p === clipped ? (p - x) / batch : 0;
  }
  return sum;
}

/**
 * The batch's summed KL(q(z|x) ‖ N(0, I)), and the gradient of the mean loss with respect to
 * [mu | logvar]: the decoder's part through z (`dz`) plus the KL's own.
 */
function klAndHeadGradient(muLv: Float32Array, noise: Float32Array, dz: Float32Array, out: Float32Array): number {
  const batch = noise.length / LATENT;
  let kl = 0;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < LATENT; j++) {
      const mu = muLv[b * HEADS + j];
      const logvar = muLv[b * HEADS + LATENT + j];
      const i = b * LATENT + j;
      kl -= 0.5 * (1 + logvar - mu * mu - Math.exp(logvar));
      out[b * HEADS + j] = dz[i] + mu / batch;
      out[b * HEADS + LATENT + j] =
        dz[i] * noise[i] * 0.5 * Math.exp(0.5 * logvar) + (0.5 * (Math.exp(logvar) - 1)) / batch;
    }
  }
  return kl;
}
