import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's node bundle registers no gradients; tfjs-layers' bundle does, on import.
import '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels } from '../src/ml/kernels/index.js';
import { createRng } from '../src/data/index.js';
import { int, pick, values, type Rng } from '../scripts/gpu-check/gradient-cases.js';
import { assertClose } from './helpers/backends.js';

/** Random shapes tried per kernel. */
const CASES = 40;

/** Runs `compute` on wasm (with our kernels) and on cpu and returns both results' data. */
async function onBoth(compute: () => tf.Tensor | tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const results: Float32Array[][] = [];
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    results.push(
      tf.tidy(() => {
        const out = compute();
        return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
      }),
    );
  }
  await tf.setBackend('wasm');
  return [results[0], results[1]];
}

/** Calls one kernel directly, as the gradient code does. */
function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

async function assertMatchesCpu(compute: () => tf.Tensor | tf.Tensor[], what: string): Promise<void> {
  const [wasm, cpu] = await onBoth(compute);
  wasm.forEach((w, i) => assertClose(w, cpu[i], `${what} #${i}`));
}

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface ConvCase {
  inShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  outShape: number[];
}

/** Random NHWC convolution geometries with non-empty outputs, then the CNN's two layers at batch 8 and edge cases. */
function convCases(rng: Rng): ConvCase[] {
  const cases: Omit<ConvCase, 'outShape'>[] = [];
  for (let i = 0; i < CASES; i++) {
    const filter: [number, number] = [int(rng, 1, 4), int(rng, 1, 4)];
    const strides: [number, number] = [pick(rng, [1, 2]), pick(rng, [1, 2])];
    const explicit: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [int(rng, 0, 3), int(rng, 0, 3)],
      [int(rng, 0, 3), int(rng, 0, 3)],
      [0, 0],
    ];
    const pad = pick<Pad>(rng, ['same', 'valid', 'same', 'valid', int(rng, 0, 2), explicit]);
    const inShape: [number, number, number, number] = [
      int(rng, 1, 5),
      int(rng, filter[0], 12),
      int(rng, filter[1], 12),
      pick(rng, [1, 2, 3, 8, 16, 32, 64]),
    ];
    cases.push({ inShape, filterShape: [...filter, inShape[3], pick(rng, [1, 3, 8, 16, 32, 64])], strides, pad });
  }
  cases.push(
    { inShape: [8, 28, 28, 1], filterShape: [3, 3, 1, 32], strides: [1, 1], pad: 'same' },
    { inShape: [8, 14, 14, 32], filterShape: [3, 3, 32, 64], strides: [1, 1], pad: 'same' },
    // Even filters pad 'same' unevenly; a 1×1 filter with a wide input shifts nothing.
    { inShape: [3, 7, 6, 5], filterShape: [2, 4, 5, 8], strides: [1, 1], pad: 'same' },
    { inShape: [2, 5, 5, 16], filterShape: [1, 1, 16, 3], strides: [1, 1], pad: 'valid' },
  );
  return cases.map((c) => ({
    ...c,
    outShape: tf.backend_util.computeConv2DInfo(c.inShape, c.filterShape, c.strides, 1, c.pad).outShape,
  }));
}

before(async () => {
  // Registering before the wasm backend initialises, then again after, must both work.
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});

describe('wasm training kernels match the cpu backend', () => {
  test('Conv2DBackpropFilter', async () => {
    const rng = createRng(1);
    for (const { inShape, filterShape, strides, pad, outShape } of convCases(rng)) {
      const x = values(rng, inShape);
      const dy = values(rng, outShape);
      const attrs = { strides, pad, dataFormat: 'NHWC', filterShape };
      await assertMatchesCpu(
        () => runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, inShape), dy: tf.tensor(dy, outShape) }, attrs),
        JSON.stringify({ inShape, filterShape, strides, pad }),
      );
    }
  });

  test('Conv2D and FusedConv2D, with bias and with ReLU', async () => {
    const rng = createRng(10);
    // tfjs sizes the output of a numeric padding from the filter's height and the stride's
    // height alone, so with a numeric padding only square filters and strides are well defined
    // (elsewhere the stock wasm kernel, to which ours hands them, and cpu disagree).
    const wellDefined = ({ pad, filterShape: [fh, fw], strides: [sh, sw] }: ConvCase) =>
      typeof pad !== 'number' || (fh === fw && sh === sw);
    for (const { inShape, filterShape, strides, pad } of convCases(rng).filter(wellDefined)) {
      const x = values(rng, inShape);
      const w = values(rng, filterShape);
      const bias = values(rng, [filterShape[3]]);
      await assertMatchesCpu(() => {
        const input = tf.tensor4d(x, inShape);
        const filter = tf.tensor4d(w, filterShape);
        const fused = (activation: 'linear' | 'relu', withBias: boolean) =>
          tf.fused.conv2d({
            x: input,
            filter,
            strides,
            pad,
            activation,
            bias: withBias ? tf.tensor1d(bias) : undefined,
          });
        return [
          tf.conv2d(input, filter, strides, pad),
          fused('relu', true),
          fused('linear', true),
          fused('relu', false),
        ];
      }, JSON.stringify({ inShape, filterShape, strides, pad }));
    }
  });

  test('Conv2DBackpropInput', async () => {
    const rng = createRng(2);
    for (const { inShape, filterShape, strides, pad, outShape } of convCases(rng)) {
      const w = values(rng, filterShape);
      const dy = values(rng, outShape);
      const attrs = { strides, pad, dataFormat: 'NHWC', inputShape: inShape };
      await assertMatchesCpu(
        () =>
          runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, outShape), filter: tf.tensor(w, filterShape) }, attrs),
        JSON.stringify({ inShape, filterShape, strides, pad }),
      );
    }
  });

  test('MaxPoolGrad, including ties (first maximum wins)', async () => {
    const rng = createRng(3);
    for (let i = 0; i < CASES; i++) {
      const filterSize: [number, number] = i % 2 === 0 ? [2, 2] : [int(rng, 1, 3), int(rng, 1, 3)];
      const strides: [number, number] = i % 2 === 0 ? [2, 2] : [int(rng, 1, 3), int(rng, 1, 3)];
      const pad = pick(rng, ['same', 'valid'] as const);
      const shape: [number, number, number, number] = [
        int(rng, 1, 4),
        int(rng, 3, 11),
        int(rng, 3, 11),
        pick(rng, [1, 3, 16, 64]),
      ];
      const x = values(rng, shape);
      // A third of the cases draw from four values, so windows hold equal maxima (as after ReLU).
      if (i % 3 === 0) x.forEach((v, j) => (x[j] = 0.25 * Math.ceil(Math.abs(v) * 4)));
      const outShape = tf.backend_util.computePool2DInfo(shape, filterSize, strides, 1, pad).outShape;
      const dy = values(rng, outShape);
      await assertMatchesCpu(() => {
        const input = tf.tensor4d(x, shape);
        const output = tf.maxPool(input, filterSize, strides, pad);
        return runKernel('MaxPoolGrad', { dy: tf.tensor(dy, outShape), input, output }, { filterSize, strides, pad });
      }, JSON.stringify({ shape, filterSize, strides, pad }));
    }
  });

  test('BatchMatMul in every transpose combination, with batch broadcasting', async () => {
    const rng = createRng(4);
    const cases: { aShape: number[]; bShape: number[]; transposeA: boolean; transposeB: boolean }[] = [];
    for (let i = 0; i < CASES; i++) {
      const [m, k, n] = [int(rng, 1, 70), int(rng, 1, 70), int(rng, 1, 70)];
      const transposeA = i % 2 === 1;
      const transposeB = (i >> 1) % 2 === 1;
      const batched = i % 8 >= 4;
      const batchA = batched ? pick(rng, [1, 3]) : 0;
      const batchB = batched ? (batchA === 1 ? 3 : pick(rng, [1, 3])) : 0;
      const lead = (b: number) => (batched ? [b] : []);
      const aShape = [...lead(batchA), ...(transposeA ? [k, m] : [m, k])];
      const bShape = [...lead(batchB), ...(transposeB ? [n, k] : [k, n])];
      cases.push({ aShape, bShape, transposeA, transposeB });
    }
    // The CNN's hidden dense layer: weight gradient xᵀ·dy and input gradient dy·Wᵀ.
    cases.push(
      { aShape: [128, 3136], bShape: [128, 128], transposeA: true, transposeB: false },
      { aShape: [128, 128], bShape: [3136, 128], transposeA: false, transposeB: true },
    );
    for (const { aShape, bShape, transposeA, transposeB } of cases) {
      const a = values(rng, aShape);
      const b = values(rng, bShape);
      await assertMatchesCpu(
        () => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB),
        JSON.stringify({ aShape, bShape, transposeA, transposeB }),
      );
    }
  });

  test('Sum over leading axes (bias gradients) and, delegated, over other axes', async () => {
    const rng = createRng(5);
    const cases: [number[], number[]][] = [
      [
        [128, 28, 28, 32],
        [0, 1, 2],
      ], // the CNN's first bias gradient
      [[3, 5, 7], [0]],
      [
        [3, 5, 7],
        [1, 0],
      ],
      [[3, 5, 7], [1]],
      [
        [3, 5, 7],
        [0, 2],
      ],
      [
        [4, 6],
        [0, 1],
      ],
      [[9], [0]],
    ];
    for (const [shape, axes] of cases) {
      const x = values(rng, shape);
      for (const keepDims of [false, true]) {
        await assertMatchesCpu(
          () => tf.sum(tf.tensor(x, shape), axes, keepDims),
          JSON.stringify({ shape, axes, keepDims }),
        );
      }
    }
  });

  test('Identity and Cast share data, and Cast still converts dtypes', async () => {
    const x = values(createRng(6), [4, 5]);
    await assertMatchesCpu(() => {
      const t = tf.tensor2d(x, [4, 5]);
      return [tf.clone(t), tf.cast(t, 'float32'), tf.cast(tf.cast(tf.mul(t, 10), 'int32'), 'float32')];
    }, 'identity/cast');
  });
});

describe('training with the wasm kernels', () => {
  /** A small conv net touching every kernel above: strides 1 and 2, same and valid, biases, pooling, dense. */
  function smallNetLoss(weights: tf.Tensor[], images: tf.Tensor4D, targets: tf.Tensor2D): tf.Scalar {
    const [w1, b1, w2, b2, w3, b3] = weights;
    let h = tf.relu(tf.add(tf.conv2d(images, w1 as tf.Tensor4D, 1, 'same'), b1) as tf.Tensor4D); // [3, 11, 9, 12]
    h = tf.maxPool(h, 2, 2, 'valid'); // [3, 5, 4, 12]
    h = tf.relu(tf.add(tf.conv2d(h, w2 as tf.Tensor4D, 2, 'same'), b2) as tf.Tensor4D); // [3, 3, 2, 5]
    const flat = tf.reshape(h, [h.shape[0], -1]); // [3, 30]
    const logits = tf.add(tf.matMul(flat, w3 as tf.Tensor2D), b3); // [3, 4]
    return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
  }

  const SHAPES = {
    images: [3, 11, 9, 1],
    // A 1-channel first layer with more filters than taps, like the CNN's, and a wider second.
    weights: [[3, 3, 1, 12], [12], [3, 3, 12, 5], [5], [30, 4], [4]],
  };

  function gradients(data: Float32Array[], images: Float32Array): tf.Tensor[] {
    const weights = data.map((d, i) => tf.tensor(d, SHAPES.weights[i]));
    const targets = tf.oneHot(tf.tensor1d([0, 3, 1], 'int32'), 4) as tf.Tensor2D;
    const x = tf.tensor4d(images, SHAPES.images as [number, number, number, number]);
    return tf.grads((...w: tf.Tensor[]) => smallNetLoss(w, x, targets))(weights);
  }

  test('tf.grads of a conv net w.r.t. all weights match the cpu backend', async () => {
    const rng = createRng(7);
    const images = values(rng, SHAPES.images);
    const weights = SHAPES.weights.map((s) => values(rng, s));
    const [wasm, cpu] = await onBoth(() => gradients(weights, images));
    wasm.forEach((g, i) => assertClose(g, cpu[i], `gradient of weight ${i}`));
  });

  test('every kernel path frees its intermediates', () => {
    const rng = createRng(9);
    const t = (shape: number[]) => tf.tensor(values(rng, shape), shape);
    const conv = { dataFormat: 'NHWC' };
    const calls: [string, () => unknown][] = [
      [
        'dW by SIMD conv3x3',
        () =>
          runKernel(
            'Conv2DBackpropFilter',
            { x: t([2, 6, 5, 8]), dy: t([2, 6, 5, 4]) },
            { ...conv, strides: 1, pad: 'same', filterShape: [3, 3, 8, 4] },
          ),
      ],
      [
        'dW by shifted rows',
        () =>
          runKernel(
            'Conv2DBackpropFilter',
            { x: t([2, 6, 5, 8]), dy: t([2, 6, 5, 4]) },
            { ...conv, strides: 1, pad: 'same', filterShape: [2, 4, 8, 4] },
          ),
      ],
      [
        'dW by shifted rows, transposed product',
        () =>
          runKernel(
            'Conv2DBackpropFilter',
            { x: t([2, 6, 5, 1]), dy: t([2, 6, 5, 16]) },
            { ...conv, strides: 1, pad: 'same', filterShape: [2, 4, 1, 16] },
          ),
      ],
      [
        'dW by convolution',
        () =>
          runKernel(
            'Conv2DBackpropFilter',
            { x: t([2, 6, 5, 8]), dy: t([2, 4, 3, 4]) },
            { ...conv, strides: 1, pad: 'valid', filterShape: [3, 3, 8, 4] },
          ),
      ],
      [
        'dW by patches',
        () =>
          runKernel(
            'Conv2DBackpropFilter',
            { x: t([2, 6, 5, 8]), dy: t([2, 3, 3, 4]) },
            { ...conv, strides: 2, pad: 'same', filterShape: [3, 3, 8, 4] },
          ),
      ],
      [
        'dW by patches, transposed product',
        () =>
          runKernel(
            'Conv2DBackpropFilter',
            { x: t([2, 6, 5, 1]), dy: t([2, 3, 3, 16]) },
            { ...conv, strides: 2, pad: 'same', filterShape: [3, 3, 1, 16] },
          ),
      ],
      [
        'dx by SIMD conv3x3',
        () =>
          runKernel(
            'Conv2DBackpropInput',
            { dy: t([2, 6, 5, 4]), filter: t([3, 3, 8, 4]) },
            { ...conv, strides: 1, pad: 'same', inputShape: [2, 6, 5, 8] },
          ),
      ],
      [
        'dx padded by XNNPACK',
        () =>
          runKernel(
            'Conv2DBackpropInput',
            { dy: t([2, 4, 3, 4]), filter: t([3, 3, 8, 4]) },
            { ...conv, strides: 1, pad: 'valid', inputShape: [2, 6, 5, 8] },
          ),
      ],
      [
        'dx spread in JS',
        () =>
          runKernel(
            'Conv2DBackpropInput',
            { dy: t([2, 3, 3, 4]), filter: t([3, 3, 8, 4]) },
            { ...conv, strides: 2, pad: 'same', inputShape: [2, 6, 5, 8] },
          ),
      ],
      ['conv 3×3 same', () => tf.conv2d(t([2, 6, 5, 8]) as tf.Tensor4D, t([3, 3, 8, 4]) as tf.Tensor4D, 1, 'same')],
      [
        'fused conv 3×3 same',
        () =>
          tf.fused.conv2d({
            x: t([2, 6, 5, 8]) as tf.Tensor4D,
            filter: t([3, 3, 8, 4]) as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias: t([4]),
            activation: 'relu',
          }),
      ],
      ['max pool 2×2', () => tf.grad((x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'))(t([2, 6, 6, 3]))],
      ['max pool 3×3', () => tf.grad((x) => tf.maxPool(x as tf.Tensor4D, 3, 1, 'same'))(t([2, 6, 6, 3]))],
      ['matMul direct', () => tf.matMul(t([30, 4]), t([30, 5]), true, false)],
      ['matMul swapped', () => tf.matMul(t([4, 6]), t([50, 6]), false, true)],
      ['matMul both', () => tf.matMul(t([6, 4]), t([5, 6]), true, true)],
      ['sum', () => [tf.sum(t([4, 3, 2]), [0, 1]), tf.sum(t([4, 3, 2]), 2)]],
      ['cast', () => [tf.cast(t([3]), 'float32'), tf.cast(t([3]), 'int32'), tf.clone(t([3]))]],
    ];
    const dataIds = () => tf.engine().backend.numDataIds();
    for (const [name, call] of calls) {
      tf.tidy(() => void call());
      const before = { ...tf.memory(), dataIds: dataIds() };
      for (let i = 0; i < 2; i++) tf.tidy(() => void call());
      assert.deepEqual(
        [tf.memory().numTensors, tf.memory().numBytes, dataIds()],
        [before.numTensors, before.numBytes, before.dataIds],
        name,
      );
    }
  });

  test('repeated steps leak no tensors, bytes or wasm buffers', () => {
    const rng = createRng(8);
    const images = values(rng, SHAPES.images);
    const weights = SHAPES.weights.map((s) => values(rng, s));
    const step = () => tf.tidy(() => void gradients(weights, images));
    const dataIds = () => tf.engine().backend.numDataIds();
    step();
    const before = { ...tf.memory(), dataIds: dataIds() };
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, before.numTensors);
    assert.equal(tf.memory().numBytes, before.numBytes);
    assert.equal(dataIds(), before.dataIds);
  });
});
