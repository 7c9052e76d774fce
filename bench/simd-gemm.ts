/**
 * GFLOP/s of the SIMD matrix kernels (src/ml/simd/gemm.wat.mjs) on the shapes training uses, beside
 * the tfjs wasm backend's own kernels on the same work. Its BatchMatMul hands only untransposed
 * products to XNNPACK and computes the others in a plain scalar loop, so for atb and abt a second
 * column times XNNPACK behind an explicit tf.transpose. Training changes the weights every step,
 * so each call gets a new right-hand tensor or filter, which XNNPACK packs afresh as it does
 * there. The 3×3 convolution (conv3x3) runs beside tf.conv2d and, where it adds bias and ReLU,
 * also tf.fused.conv2d. For its weight gradient (convdw), which tfjs-wasm lacks, a forward
 * tf.conv2d of the same FLOP count stands in as a rough yardstick.
 *
 * Usage: node dist/bench/simd-gemm.js
 */
import { cpus } from 'node:os';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { values } from '../test/helpers/random-values.js';
import { createRng } from '../src/data/rng.js';
import { gemmKernels } from '../src/ml/simd/gemm.js';
import { TRAINING_SHAPES } from './training-shapes.js';

/** Each timing repeats calls for at least this long… */
const MIN_ROUND_MS = 60;
/** …in this many rounds, keeping the best: others may share the cores. */
const ROUNDS = 7;
/** Fresh right-hand tensors made ahead of each tfjs round, so the timing leaves out uploads. */
const FRESH_TENSORS = 16;

type Kernel = 'atb' | 'abt' | 'ab' | 'convdw' | 'conv3x3';

interface Case {
  kernel: Kernel;
  /** atb (n, m, p), abt (m, n, p), ab (m, n, p), convdw and conv3x3 (batch, height, width, cin, cout). */
  dims: number[];
  /** conv3x3 only: add a bias and apply ReLU, as the forward pass does (not the input gradient). */
  fused?: boolean;
}

const CASES: Case[] = [
  ...TRAINING_SHAPES.atb.map((dims) => ({ kernel: 'atb' as const, dims })),
  ...TRAINING_SHAPES.abt.map((dims) => ({ kernel: 'abt' as const, dims })),
  ...TRAINING_SHAPES.ab.map((dims) => ({ kernel: 'ab' as const, dims })),
  ...TRAINING_SHAPES.convdw.map((dims) => ({ kernel: 'convdw' as const, dims })),
  // The CNN's two convolutions, then the second one's input gradient.
  { kernel: 'conv3x3', dims: [64, 28, 28, 1, 32], fused: true },
  { kernel: 'conv3x3', dims: [64, 14, 14, 32, 64], fused: true },
  { kernel: 'conv3x3', dims: [64, 14, 14, 64, 32], fused: false },
];

const isConv = (kernel: Kernel): boolean => kernel === 'convdw' || kernel === 'conv3x3';

function flops({ kernel, dims }: Case): number {
  if (isConv(kernel)) {
    const [batch, height, width, cin, cout] = dims;
    return 2 * 9 * batch * height * width * cin * cout;
  }
  return 2 * dims[0] * dims[1] * dims[2];
}

/** Best milliseconds per call of `call` over ROUNDS rounds; `prepare` runs untimed before each. */
function bestMs(call: (i: number) => void, prepare: () => void = () => {}, batch = Infinity): number {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    prepare();
    const start = performance.now();
    let calls = 0;
    do call(calls++);
    while (calls < batch && performance.now() - start < MIN_ROUND_MS);
    best = Math.min(best, (performance.now() - start) / calls);
  }
  return best;
}

/** Operand sizes in floats: [left, right, output, bias]. */
function sizes({ kernel, dims }: Case): [number, number, number, number] {
  if (isConv(kernel)) {
    const [batch, height, width, cin, cout] = dims;
    const pixels = batch * height * width;
    // convdw: x, dy → dw; conv3x3: x, w → y.
    return kernel === 'convdw'
      ? [pixels * cin, pixels * cout, 9 * cin * cout, 0]
      : [pixels * cin, 9 * cin * cout, pixels * cout, cout];
  }
  const [d0, d1, d2] = dims;
  return kernel === 'atb' ? [d0 * d1, d0 * d2, d1 * d2, 0] : [d0 * d1, d1 * d2, d0 * d2, d2];
}

function ours(memory: WebAssembly.Memory, c: Case): number {
  const kernels = gemmKernels(memory);
  const [left, right, out, biasSize] = sizes(c);
  const rng = createRng(1);
  const floats = new Float32Array(memory.buffer);
  // Inputs and output sit back to back, 4 bytes past 16-byte alignment as tensors may.
  const a = 4 + 64;
  const b = a + 4 * left + 64;
  const bias = b + 4 * right + 64;
  const dst = bias + 4 * biasSize + 64;
  floats.set(values(rng, [left]), a / 4);
  floats.set(values(rng, [right]), b / 4);
  floats.set(values(rng, [biasSize]), bias / 4);
  if (dst + 4 * out > memory.buffer.byteLength) throw new Error('bench memory too small');
  const [d0, d1, d2, d3, d4] = c.dims;
  const fused = c.fused ? 1 : 0;
  const call = {
    atb: () => kernels.atb(a, b, dst, d0, d1, d2, 0),
    abt: () => kernels.abt(a, b, dst, d0, d1, d2),
    ab: () => kernels.ab(a, b, bias, dst, d0, d1, d2, 1),
    convdw: () => kernels.conv3x3FilterGrad(a, b, dst, d0, d1, d2, d3, d4),
    conv3x3: () => kernels.conv3x3(a, b, fused * bias, dst, d0, d1, d2, d3, d4, fused),
  }[c.kernel];
  // V8 first runs wasm through its baseline compiler and swaps in optimised code after a few calls.
  for (let i = 0; i < 5; i++) call();
  return bestMs(call);
}

/**
 * tf's GFLOP/s; `alternative` takes XNNPACK's route for a transposed product (tf.transpose
 * first) or, for conv3x3, the fused convolution with bias and ReLU.
 */
function stock(c: Case, alternative: boolean): number {
  const [d0, d1, d2] = c.dims;
  let left: tf.Tensor;
  let rightShape: number[];
  let run: (right: tf.Tensor) => tf.Tensor;
  let extra: tf.Tensor[] = [];
  if (isConv(c.kernel)) {
    const [batch, height, width, cin, cout] = c.dims;
    const x = tf.randomUniform([batch, height, width, cin]) as tf.Tensor4D;
    const bias = tf.randomUniform([cout]);
    extra = [bias];
    left = x;
    rightShape = [3, 3, cin, cout];
    run = alternative
      ? (filter) =>
          tf.fused.conv2d({ x, filter: filter as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' })
      : (filter) => tf.conv2d(x, filter as tf.Tensor4D, 1, 'same');
  } else if (c.kernel === 'atb') {
    left = tf.randomUniform([d0, d1]);
    rightShape = [d0, d2];
    run = alternative
      ? (right) => tf.tidy(() => tf.matMul(tf.transpose(left as tf.Tensor2D), right as tf.Tensor2D))
      : (right) => tf.matMul(left as tf.Tensor2D, right as tf.Tensor2D, true, false);
  } else if (c.kernel === 'abt') {
    left = tf.randomUniform([d0, d1]);
    rightShape = [d2, d1];
    run = alternative
      ? (right) => tf.tidy(() => tf.matMul(left as tf.Tensor2D, tf.transpose(right as tf.Tensor2D)))
      : (right) => tf.matMul(left as tf.Tensor2D, right as tf.Tensor2D, false, true);
  } else {
    left = tf.randomUniform([d0, d1]);
    rightShape = [d1, d2];
    run = (right) => tf.matMul(left as tf.Tensor2D, right as tf.Tensor2D);
  }
  let fresh: tf.Tensor[] = [];
  const prepare = () => {
    tf.dispose(fresh);
    fresh = Array.from({ length: FRESH_TENSORS }, () => tf.randomUniform(rightShape));
  };
  const call = (i: number) => run(fresh[i]).dispose();
  prepare();
  for (let i = 0; i < FRESH_TENSORS; i++) call(i);
  // A round may only use as many calls as it has fresh tensors; more rounds make up for it.
  let best = Infinity;
  for (let i = 0; i < 4; i++) best = Math.min(best, bestMs(call, prepare, FRESH_TENSORS));
  tf.dispose([left, ...extra, ...fresh]);
  return flops(c) / best / 1e6;
}

/** Whether `stock(c, true)` has a row's second tf column to fill. */
const hasAlternative = (c: Case): boolean => c.kernel === 'atb' || c.kernel === 'abt' || c.fused === true;

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  // The operands, the bias and the 64-byte gaps of the largest case.
  const largest = Math.max(...CASES.map((c) => 4 * sizes(c).reduce((s, n) => s + n, 0) + 320));
  const memory = new WebAssembly.Memory({ initial: Math.ceil(largest / 65536) });
  console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, tfjs-wasm threads ${getThreadsCount()}`);
  console.log('GFLOP/s, best of several rounds, a new right-hand operand or filter on every tf call.');
  console.log('tf: tf.matMul as called, or tf.conv2d; alt: tf.transpose, then XNNPACK, or tf.fused.conv2d with');
  console.log('bias and ReLU (ours then adds them too); ratio: ours / the better.');
  const columns = ['kernel'.padEnd(7), 'shape'.padEnd(18), 'ours'.padStart(6), 'tf'.padStart(6)];
  console.log(`${columns.join(' ')} ${'alt'.padStart(6)}  ratio`);
  for (const c of CASES) {
    const mine = flops(c) / ours(memory, c) / 1e6;
    const direct = stock(c, false);
    const alternative = hasAlternative(c) ? stock(c, true) : NaN;
    const cells = [c.kernel.padEnd(7), c.dims.join('×').padEnd(18), mine.toFixed(1).padStart(6)];
    cells.push(direct.toFixed(1).padStart(6), (Number.isNaN(alternative) ? '' : alternative.toFixed(1)).padStart(6));
    const ratio = mine / Math.max(direct, Number.isNaN(alternative) ? 0 : alternative);
    const note = c.kernel === 'convdw' ? '  (tf: conv2d forward, same FLOPs)' : '';
    console.log(`${cells.join(' ')}  ${ratio.toFixed(2)}×${note}`);
  }
}

await main();
