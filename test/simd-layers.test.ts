import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's node bundle registers no gradients; tfjs-layers' bundle does, on import.
import '@tensorflow/tfjs-layers';
import { int, values, type Rng } from './helpers/random-values.js';
import { createRng } from '../src/data/rng.js';
import { layerKernels, type LayerKernels } from '../src/ml/simd/layers.js';

type Shape = [number, number, number, number];

/** Room for the largest case, the CNN's first block at batch 64 (about 16 MB). */
const MEMORY = new WebAssembly.Memory({ initial: 400 });
/** Untouched bytes between arrays, so a kernel writing past an output's end is caught. */
const GUARD = 32;
/** Byte fill of memory that holds no input: NaN as float32, so an output element left unwritten fails. */
const FILL = 0xff;
/** Largest tolerated |kernel − reference| of a sum, relative to the sum of its terms' magnitudes. */
const SUM_TOLERANCE = 1e-5;

/** Values from {±0.5, ±1}: pooling windows then hold equal maxima, and ReLU outputs tie at 0 and above. */
function tiedValues(rng: Rng, shape: number[]): Float32Array {
  return values(rng, shape).map((v) => Math.sign(v) * (v * v > 0.3 ? 1 : 0.5));
}

const relu = (z: Float32Array): Float32Array => z.map((v) => Math.max(v, 0));

/**
 * Lays arrays out in MEMORY one after another, each 4 bytes past a 16-byte boundary (u8 arrays
 * 5 past) with NaN-filled gaps, then runs a kernel and checks that it changed no byte outside the
 * arrays marked as outputs: inputs included, unless an output is also an input.
 */
class Arena {
  private readonly bytes = new Uint8Array(MEMORY.buffer);
  private readonly outputs: [number, number][] = [];
  private top = 0;

  private place(bytes: number, misalign: number, output: boolean): number {
    const start = this.top + GUARD;
    const ptr = start + ((misalign - start) & 15);
    this.top = ptr + bytes;
    this.bytes.fill(FILL, start - GUARD, this.top);
    if (output) this.outputs.push([ptr, this.top]);
    return ptr;
  }

  f32(data: Float32Array | number, output = false): number {
    const n = typeof data === 'number' ? data : data.length;
    const ptr = this.place(4 * n, 4, output);
    if (typeof data !== 'number') new Float32Array(MEMORY.buffer, ptr, n).set(data);
    return ptr;
  }

  u8(data: Uint8Array | number, output = false): number {
    const n = typeof data === 'number' ? data : data.length;
    const ptr = this.place(n, 5, output);
    if (typeof data !== 'number') this.bytes.set(data, ptr);
    return ptr;
  }

  readF32(ptr: number, n: number): Float32Array {
    return new Float32Array(MEMORY.buffer.slice(ptr, ptr + 4 * n));
  }

  readU8(ptr: number, n: number): Uint8Array {
    return this.bytes.slice(ptr, ptr + n);
  }

  run(kernel: () => void): void {
    const end = this.top + GUARD;
    this.bytes.fill(FILL, this.top, end);
    const before = Buffer.from(this.bytes.slice(0, end));
    kernel();
    const after = Buffer.from(MEMORY.buffer, 0, end);
    let from = 0;
    for (const [start, stop] of [...this.outputs.sort((a, b) => a[0] - b[0]), [end, end]]) {
      assert.ok(after.subarray(from, start).equals(before.subarray(from, start)), `bytes ${from}..${start} changed`);
      from = stop;
    }
  }
}

function assertSame<T extends Float32Array | Uint8Array>(actual: T, expected: T, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: sizes differ`);
  for (let i = 0; i < expected.length; i++) {
    // `!==` on purpose: +0 and −0 are the same zero gradient.
    if (actual[i] !== expected[i]) assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Checks sums against float64 references, allowing float32 rounding of every term. */
function assertSums(actual: Float32Array, expected: Float64Array, magnitudes: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: sizes differ`);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= SUM_TOLERANCE * magnitudes[i] + 1e-30)) {
      assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (terms' magnitudes ${magnitudes[i]})`);
    }
  }
}

function maxPoolReference(x: Float32Array, [batch, height, width, channels]: Shape) {
  const [oh, ow] = [height / 2, width / 2];
  const y = new Float32Array(batch * oh * ow * channels);
  const argmax = new Uint8Array(y.length);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let c = 0; c < channels; c++) {
          const o = ((b * oh + i) * ow + j) * channels + c;
          let best = -Infinity;
          for (let k = 0; k < 4; k++) {
            const v = x[((b * height + 2 * i + (k >> 1)) * width + 2 * j + (k & 1)) * channels + c];
            if (v > best) [best, argmax[o]] = [v, k];
          }
          y[o] = best;
        }
      }
    }
  }
  return { y, argmax };
}

function poolGradReference(
  dy: Float32Array,
  argmax: Uint8Array,
  act: Float32Array,
  [batch, height, width, channels]: Shape,
) {
  const dx = new Float32Array(act.length);
  const dbias = new Float64Array(channels);
  const magnitudes = new Float64Array(channels);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        for (let c = 0; c < channels; c++) {
          const at = ((b * height + i) * width + j) * channels + c;
          const pooled = ((b * (height / 2) + (i >> 1)) * (width / 2) + (j >> 1)) * channels + c;
          if (argmax[pooled] === 2 * (i & 1) + (j & 1) && act[at] > 0) dx[at] = dy[pooled];
          dbias[c] += dx[at];
          magnitudes[c] += Math.abs(dx[at]);
        }
      }
    }
  }
  return { dx, dbias, magnitudes };
}

function reluGradReference(dh: Float32Array, act: Float32Array, cols: number) {
  const out = dh.map((v, i) => (act[i] > 0 ? v : 0));
  const dbias = new Float64Array(cols);
  const magnitudes = new Float64Array(cols);
  out.forEach((v, i) => {
    dbias[i % cols] += v;
    magnitudes[i % cols] += Math.abs(v);
  });
  return { dh: out, dbias, magnitudes };
}

/** Runs max_pool_2x2 on x and returns its outputs. */
function maxPool(kernels: LayerKernels, x: Float32Array, shape: Shape) {
  const [batch, height, width, channels] = shape;
  const n = batch * (height / 2) * (width / 2) * channels;
  const arena = new Arena();
  const px = arena.f32(x);
  const py = arena.f32(n, true);
  const pa = arena.u8(n, true);
  arena.run(() => kernels.maxPool2x2(px, py, pa, batch, height, width, channels));
  return { y: arena.readF32(py, n), argmax: arena.readU8(pa, n) };
}

/** Runs max_pool_2x2_grad_relu and returns its outputs. */
function poolGrad(kernels: LayerKernels, dy: Float32Array, argmax: Uint8Array, act: Float32Array, shape: Shape) {
  const [batch, height, width, channels] = shape;
  const arena = new Arena();
  const pdy = arena.f32(dy);
  const pa = arena.u8(argmax);
  const pact = arena.f32(act);
  const pdx = arena.f32(act.length, true);
  const pdb = arena.f32(channels, true);
  arena.run(() => kernels.maxPool2x2GradRelu(pdy, pa, pact, pdx, pdb, batch, height, width, channels));
  return { dx: arena.readF32(pdx, act.length), dbias: arena.readF32(pdb, channels) };
}

/** Random pooling shapes over the channel counts that exercise each code path, then the CNN's two pools. */
function poolShapes(rng: Rng, batch64: boolean): Shape[] {
  const shapes: Shape[] = [];
  for (const channels of [1, 3, 4, 5, 16, 20, 33, 64]) {
    for (let i = 0; i < 3; i++) shapes.push([int(rng, 1, 3), 2 * int(rng, 1, 6), 2 * int(rng, 1, 6), channels]);
  }
  const batch = batch64 ? 64 : 2;
  shapes.push([batch, 28, 28, 32], [batch, 14, 14, 64]);
  return shapes;
}

let kernels: LayerKernels;

before(async () => {
  kernels = layerKernels(MEMORY);
  await tf.setBackend('cpu');
});

describe('max_pool_2x2', () => {
  test('matches a reference, ties going to the lowest window position', () => {
    const rng = createRng(11);
    for (const shape of poolShapes(rng, true)) {
      for (const draw of [values, tiedValues]) {
        const x = draw(rng, shape);
        const expected = maxPoolReference(x, shape);
        const { y, argmax } = maxPool(kernels, x, shape);
        assertSame(y, expected.y, `y ${shape} ${draw.name}`);
        assertSame(argmax, expected.argmax, `argmax ${shape} ${draw.name}`);
      }
    }
  });

  test("matches tfjs's cpu maxPool", () => {
    const rng = createRng(12);
    for (const shape of poolShapes(rng, false)) {
      const x = values(rng, shape);
      const expected = tf.tidy(() => tf.maxPool(tf.tensor4d(x, shape), 2, 2, 'valid').dataSync() as Float32Array);
      assertSame(maxPool(kernels, x, shape).y, expected, `y ${shape}`);
    }
  });
});

describe('max_pool_2x2_grad_relu', () => {
  test('matches a reference on arbitrary argmax, act and dy', () => {
    const rng = createRng(21);
    for (const shape of poolShapes(rng, true)) {
      const [batch, height, width, channels] = shape;
      const pooled = batch * (height / 2) * (width / 2) * channels;
      const dy = values(rng, [pooled]);
      const argmax = new Uint8Array(pooled).map(() => int(rng, 0, 3));
      const act = relu(values(rng, shape));
      const expected = poolGradReference(dy, argmax, act, shape);
      const { dx, dbias } = poolGrad(kernels, dy, argmax, act, shape);
      assertSame(dx, expected.dx, `dx ${shape}`);
      assertSums(dbias, expected.dbias, expected.magnitudes, `dbias ${shape}`);
    }
  });

  test("matches tfjs's cpu gradient of sum(maxPool(relu(z)) · w), ties included", () => {
    const rng = createRng(22);
    const shapes = poolShapes(rng, false);
    for (const [index, shape] of shapes.entries()) {
      const z = (index % 3 === 0 ? tiedValues : values)(rng, shape);
      const pooledShape: Shape = [shape[0], shape[1] / 2, shape[2] / 2, shape[3]];
      const w = values(rng, pooledShape);
      const [expectedDx, expectedDbias] = tf.tidy(() => {
        const loss = (input: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(tf.relu(input as tf.Tensor4D), 2, 2, 'valid'), tf.tensor4d(w, pooledShape)));
        const dz = tf.grad(loss)(tf.tensor4d(z, shape));
        return [dz.dataSync() as Float32Array, tf.sum(dz, [0, 1, 2]).dataSync() as Float32Array];
      });
      const act = relu(z);
      const { argmax } = maxPool(kernels, act, shape);
      const { dx, dbias } = poolGrad(kernels, new Float32Array(w), argmax, act, shape);
      assertSame(dx, expectedDx, `dx ${shape}`);
      const { magnitudes } = poolGradReference(new Float32Array(w), argmax, act, shape);
      assertSums(dbias, Float64Array.from(expectedDbias), magnitudes, `dbias ${shape}`);
    }
  });
});

describe('relu_grad_bias', () => {
  test('matches a reference, in place', () => {
    const rng = createRng(31);
    const shapes: [number, number][] = [];
    for (const cols of [1, 3, 4, 5, 10, 33, 64, 128, 512]) shapes.push([int(rng, 1, 5), cols]);
    shapes.push([64, 128], [64, 10], [64, 512]);
    for (const [rows, cols] of shapes) {
      const dh = values(rng, [rows, cols]);
      const act = relu(values(rng, [rows, cols]));
      const expected = reluGradReference(dh, act, cols);
      const arena = new Arena();
      const pdh = arena.f32(dh, true);
      const pact = arena.f32(act);
      const pdb = arena.f32(cols, true);
      arena.run(() => kernels.reluGradBias(pdh, pact, pdb, rows, cols));
      assertSame(arena.readF32(pdh, dh.length), expected.dh, `dh ${rows}×${cols}`);
      assertSums(arena.readF32(pdb, cols), expected.dbias, expected.magnitudes, `dbias ${rows}×${cols}`);
    }
  });
});
