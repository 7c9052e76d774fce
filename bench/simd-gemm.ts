/**
 * GFLOP/s of the SIMD matrix kernels (src/ml/simd/gemm.wat) on the shapes training uses, beside
 * the tfjs wasm backend's own BatchMatMul on the same products. That kernel hands only untransposed
 * products to XNNPACK and computes the others in a plain scalar loop, so for atb and abt a second
 * column times XNNPACK behind an explicit tf.transpose. Training changes the weights every step,
 * so each call gets a new right-hand tensor, which XNNPACK packs afresh as it does there. For the
 * convolution weight gradient, which tfjs-wasm lacks, a forward tf.conv2d of the same FLOP count
 * (new filter each call) stands in as a rough yardstick.
 *
 * Usage: node dist/bench/simd-gemm.js
 */
import { cpus } from 'node:os';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../src/data/rng.js';
import { gemmKernels } from '../src/ml/simd/gemm.js';

/** Each timing repeats calls for at least this long… */
const MIN_ROUND_MS = 60;
/** …in this many rounds, keeping the best: others may share the cores. */
const ROUNDS = 7;
/** Fresh right-hand tensors made ahead of each tfjs round, so the timing leaves out uploads. */
const FRESH_TENSORS = 16;

type Kernel = 'atb' | 'abt' | 'ab' | 'conv';

interface Case {
  kernel: Kernel;
  /** atb (n, m, p), abt (m, n, p), ab (m, n, p), conv (batch, height, width, cin, cout). */
  dims: number[];
}

const CASES: Case[] = [
  ...[
    [64, 3136, 128],
    [64, 128, 10],
    [64, 784, 512],
    [64, 512, 784],
    [64, 2, 512],
    [64, 512, 4],
  ].map((dims) => ({ kernel: 'atb' as const, dims })),
  ...[
    [64, 128, 3136],
    [64, 10, 128],
    [64, 784, 512],
    [64, 512, 2],
    [64, 512, 4],
    [64, 4, 512],
  ].map((dims) => ({ kernel: 'abt' as const, dims })),
  ...[
    [64, 784, 512],
    [64, 512, 784],
    [64, 512, 4],
    [64, 2, 512],
    [64, 3136, 128],
    [64, 128, 10],
  ].map((dims) => ({ kernel: 'ab' as const, dims })),
  ...[
    [64, 14, 14, 32, 64],
    [64, 28, 28, 1, 32],
  ].map((dims) => ({ kernel: 'conv' as const, dims })),
];

function flops({ kernel, dims }: Case): number {
  if (kernel === 'conv') {
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

function random(count: number, rng: () => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng() * 2 - 1;
  return out;
}

/** Operand sizes in floats: [left, right, output]. */
function sizes({ kernel, dims }: Case): [number, number, number] {
  if (kernel === 'conv') {
    const [batch, height, width, cin, cout] = dims;
    const pixels = batch * height * width;
    return [pixels * cin, pixels * cout, 9 * cin * cout];
  }
  const [d0, d1, d2] = dims;
  return kernel === 'atb' ? [d0 * d1, d0 * d2, d1 * d2] : [d0 * d1, d1 * d2, d0 * d2];
}

function ours(memory: WebAssembly.Memory, c: Case): number {
  const kernels = gemmKernels(memory);
  const [left, right, out] = sizes(c);
  const rng = createRng(1);
  const floats = new Float32Array(memory.buffer);
  // Inputs and output sit back to back, 4 bytes past 16-byte alignment as tensors may.
  const a = 4 + 64;
  const b = a + 4 * left + 64;
  const bias = b + 4 * right + 64;
  const dst = bias + 4 * c.dims[2] + 64;
  floats.set(random(left, rng), a / 4);
  floats.set(random(right, rng), b / 4);
  floats.set(random(c.dims[2], rng), bias / 4);
  if (dst + 4 * out > memory.buffer.byteLength) throw new Error('bench memory too small');
  const [d0, d1, d2] = c.dims;
  const call = {
    atb: () => kernels.atb(a, b, dst, d0, d1, d2, 0),
    abt: () => kernels.abt(a, b, dst, d0, d1, d2),
    ab: () => kernels.ab(a, b, bias, dst, d0, d1, d2, 1),
    conv: () => kernels.conv3x3FilterGrad(a, b, dst, d0, d1, d2, c.dims[3], c.dims[4]),
  }[c.kernel];
  // V8 first runs wasm through its baseline compiler and swaps in optimised code after a few calls.
  for (let i = 0; i < 5; i++) call();
  return bestMs(call);
}

/** tf's GFLOP/s; `viaTranspose` transposes the operand first, so that XNNPACK does the product. */
function stock(c: Case, viaTranspose: boolean): number {
  const [d0, d1, d2] = c.dims;
  let left: tf.Tensor;
  let rightShape: number[];
  let run: (right: tf.Tensor) => tf.Tensor;
  if (c.kernel === 'conv') {
    const [batch, height, width, cin, cout] = c.dims;
    left = tf.randomUniform([batch, height, width, cin]);
    rightShape = [3, 3, cin, cout];
    run = (filter) => tf.conv2d(left as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same');
  } else if (c.kernel === 'atb') {
    left = tf.randomUniform([d0, d1]);
    rightShape = [d0, d2];
    run = viaTranspose
      ? (right) => tf.tidy(() => tf.matMul(tf.transpose(left as tf.Tensor2D), right as tf.Tensor2D))
      : (right) => tf.matMul(left as tf.Tensor2D, right as tf.Tensor2D, true, false);
  } else if (c.kernel === 'abt') {
    left = tf.randomUniform([d0, d1]);
    rightShape = [d2, d1];
    run = viaTranspose
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
  tf.dispose([left, ...fresh]);
  return flops(c) / best / 1e6;
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  // The operands, the bias (dims[2] floats) and the 64-byte gaps of the largest case.
  const largest = Math.max(...CASES.map((c) => 4 * (sizes(c).reduce((s, n) => s + n, 0) + c.dims[2]) + 320));
  const memory = new WebAssembly.Memory({ initial: Math.ceil(largest / 65536) });
  console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, tfjs-wasm threads ${getThreadsCount()}`);
  console.log('GFLOP/s, best of several rounds, a new right-hand operand on every tf call.');
  console.log(
    'tf.matMul: the stock kernel as called; +transpose: tf.transpose, then XNNPACK; ratio: ours / the better.',
  );
  const columns = ['kernel'.padEnd(6), 'shape'.padEnd(18), 'ours'.padStart(6), 'tf.matMul'.padStart(10)];
  console.log(`${columns.join(' ')} ${'+transpose'.padStart(10)}  ratio`);
  for (const c of CASES) {
    const mine = flops(c) / ours(memory, c) / 1e6;
    const direct = stock(c, false);
    const transposed = c.kernel === 'atb' || c.kernel === 'abt' ? stock(c, true) : NaN;
    const cells = [c.kernel.padEnd(6), c.dims.join('×').padEnd(18), mine.toFixed(1).padStart(6)];
    cells.push(direct.toFixed(1).padStart(10), (Number.isNaN(transposed) ? '' : transposed.toFixed(1)).padStart(10));
    const ratio = mine / Math.max(direct, Number.isNaN(transposed) ? 0 : transposed);
    const note = c.kernel === 'conv' ? '  (tf: conv2d forward, same FLOPs)' : '';
    console.log(`${cells.join(' ')}  ${ratio.toFixed(2)}×${note}`);
  }
}

await main();
