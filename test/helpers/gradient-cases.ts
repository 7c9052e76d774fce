import * as tf from '@tensorflow/tfjs-core';
import { createRng, IMAGE_PIXELS, NUM_CLASSES, type DigitSet } from '../../src/data/index.js';
import { classifierLoss } from '../../src/ml/cnn.js';
import { createTask } from '../../src/ml/tasks.js';
import type { ModelName } from '../../src/config.js';
import { int, pick, values, type Rng } from './random-values.js';

/** One gradient computation, run once per backend and compared across them. */
export interface GradientCase {
  /** What is differentiated, with its shapes, for the report. */
  label: string;
  /** Builds everything on the active backend; returns gradients the caller disposes. */
  gradients(): tf.Tensor[];
}

/** Half the sum of squares: a loss whose gradient is the output itself, so every output counts. */
const energy = (y: tf.Tensor): tf.Scalar => tf.mul(0.5, tf.sum(tf.square(y)));

/** The gradient of `loss` at fixed random inputs, with respect to all of them. */
function opCase(label: string, shapes: number[][], rng: Rng, loss: (...xs: tf.Tensor[]) => tf.Scalar): GradientCase {
  const inputs = shapes.map((shape) => values(rng, shape));
  return {
    label,
    gradients: () => tf.tidy(() => tf.grads(loss)(inputs.map((v, i) => tf.tensor(v, shapes[i])))),
  };
}

/** Conv2D with its two backprop kernels (input and filter), as the CNN's layers use it. */
function conv2dCase(rng: Rng): GradientCase {
  const [b, h, w, cin, cout, k] = [
    int(rng, 1, 4),
    int(rng, 4, 14),
    int(rng, 4, 14),
    int(rng, 1, 8),
    int(rng, 1, 16),
    pick(rng, [1, 3, 5]),
  ];
  const stride = pick(rng, [1, 2]);
  const pad = pick(rng, ['same', 'valid'] as const);
  const shapes = [
    [b, h, w, cin],
    [k, k, cin, cout],
  ];
  return opCase(`conv2d ${JSON.stringify(shapes)} stride ${stride} ${pad}`, shapes, rng, (x, f) =>
    energy(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad)),
  );
}

/** Max-pooling and MaxPoolGrad. */
function maxPoolCase(rng: Rng): GradientCase {
  const shape = [int(rng, 1, 4), int(rng, 2, 14), int(rng, 2, 14), int(rng, 1, 16)];
  const size = pick(rng, [2, 3]);
  const stride = pick(rng, [1, 2]);
  const pad = pick(rng, ['same', 'valid'] as const);
  return opCase(`maxPool ${JSON.stringify(shape)} ${size}x${size} stride ${stride} ${pad}`, [shape], rng, (x) =>
    energy(tf.maxPool(x as tf.Tensor4D, size, stride, pad)),
  );
}

/** A dense layer: MatMul, bias add and ReLU, with the gradients of all three inputs. */
function denseCase(rng: Rng): GradientCase {
  const [batch, inputs, units] = [int(rng, 1, 64), int(rng, 1, 300), int(rng, 1, 130)];
  const shapes = [[batch, inputs], [inputs, units], [units]];
  return opCase(`dense relu ${JSON.stringify(shapes)}`, shapes, rng, (x, wt, bias) =>
    energy(tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, wt as tf.Tensor2D), bias))),
  );
}

/** The classifier's loss: log-softmax cross-entropy against integer labels. */
function crossEntropyCase(rng: Rng): GradientCase {
  const batch = int(rng, 1, 128);
  const labels = Int32Array.from({ length: batch }, () => int(rng, 0, NUM_CLASSES - 1));
  return opCase(`softmax cross-entropy [${batch},${NUM_CLASSES}]`, [[batch, NUM_CLASSES]], rng, (logits) =>
    classifierLoss(logits as tf.Tensor2D, tf.tensor1d(labels, 'int32')),
  );
}

/** The VAE's element-wise ops: sigmoid, clipped log, exp and the reparameterisation. */
function vaeOpsCase(rng: Rng): GradientCase {
  const shape = [int(rng, 1, 64), int(rng, 1, 100)];
  return opCase(`vae element-wise ${JSON.stringify(shape)}`, [shape, shape, shape], rng, (x, mu, logvar) => {
    const p = tf.clipByValue(tf.sigmoid(tf.add(x, tf.mul(mu, tf.exp(tf.mul(logvar, 0.5))))), 1e-7, 1 - 1e-7);
    return tf.neg(tf.sum(tf.add(tf.log(p), tf.log(tf.sub(1, p))))) as tf.Scalar;
  });
}

/** A random set of digits: pixels and labels drawn from `rng`, for whole-model gradients. */
function randomDigits(rng: Rng, count: number): DigitSet {
  const images = Uint8Array.from({ length: count * IMAGE_PIXELS }, () => int(rng, 0, 255));
  const labels = Uint8Array.from({ length: count }, () => int(rng, 0, NUM_CLASSES - 1));
  return { images, labels, count };
}

/** One training step's gradients of a whole model, every variable compared. */
function modelCase(rng: Rng, model: ModelName): GradientCase {
  // Small batches: the per-op cases cover the shapes, these the wiring of a whole step.
  const batch = int(rng, 2, 8);
  const digits = randomDigits(rng, batch);
  const indices = Int32Array.from({ length: batch }, (_, i) => i);
  const seed = int(rng, 0, 1000);
  return {
    label: `${model} model, batch ${batch}`,
    gradients() {
      const task = createTask(model, digits, seed);
      try {
        const { value, grads } = tf.variableGrads(() => task.batchLoss(indices, 1), task.variables);
        value.dispose();
        return task.variables.map((v) => grads[v.name]);
      } finally {
        for (const part of Object.values(task.parts)) part.dispose();
      }
    },
  };
}

const OP_CASES = [conv2dCase, maxPoolCase, denseCase, crossEntropyCase, vaeOpsCase];

/**
 * `perOp` random cases of each op the models differentiate, then one whole-model step of the
 * CNN and of the VAE. The same seed gives the same cases.
 */
export function gradientCases(perOp: number, seed: number): GradientCase[] {
  const rng = createRng(seed);
  const cases = OP_CASES.flatMap((make) => Array.from({ length: perOp }, () => make(rng)));
  return [...cases, modelCase(rng, 'cnn'), modelCase(rng, 'vae')];
}
