import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmInferenceKernels } from '../src/ml/inference-kernels/index.js';
import { createRng } from '../src/data/index.js';
import { int, pick, values, type Rng } from './helpers/random-values.js';
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
  registerWasmInferenceKernels();
  await tf.setBackend('wasm');
  registerWasmInferenceKernels();
});

describe('wasm inference kernels match the cpu backend', () => {
  test('FusedConv2D, with and without bias and ReLU', async () => {
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
        return [fused('linear', false), fused('relu', true), fused('linear', true), fused('relu', false)];
      }, JSON.stringify({ inShape, filterShape, strides, pad }));
    }
  });

  test('FusedConv2D is ours on wasm, registered once however often registration runs', () => {
    const registered = tf.getKernel('FusedConv2D', 'wasm')?.kernelFunc;
    registerWasmInferenceKernels();
    assert.equal(tf.getKernel('FusedConv2D', 'wasm')?.kernelFunc, registered);
    assert.equal(registered?.name, 'fusedConv2D');
  });
});

describe('wasm inference kernels on the heap', () => {
  test('every path frees its intermediates', () => {
    const rng = createRng(9);
    const t = (shape: number[]) => tf.tensor(values(rng, shape), shape);
    const fused = (filter: number[], pad: 'same' | 'valid', activation: 'relu' | 'linear' | 'elu') => () =>
      tf.fused.conv2d({
        x: t([2, 6, 5, 8]) as tf.Tensor4D,
        filter: t(filter) as tf.Tensor4D,
        strides: 1,
        pad,
        bias: t([filter[3]]),
        activation,
      });
    const calls: [string, () => unknown][] = [
      ['fused conv 3×3 same on conv3x3', fused([3, 3, 8, 4], 'same', 'relu')],
      ['fused conv 3×3 valid, delegated', fused([3, 3, 8, 4], 'valid', 'relu')],
      ['fused conv with elu, delegated', fused([3, 3, 8, 4], 'same', 'elu')],
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
});
