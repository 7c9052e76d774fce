import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { int, values, type Rng } from './helpers/random-values.js';
import { TRAINING_SHAPES } from '../bench/training-shapes.js';
import { createRng } from '../src/data/rng.js';
import { gemmKernels } from '../src/ml/simd/gemm.js';
import { assertClose } from './helpers/backends.js';

/** Floats between the arrays a case places, all of which must survive the kernel untouched. */
const GAP = 24;
/** A bit pattern no kernel computes (a NaN payload), for the gaps and the output's old contents. */
const GUARD = 0x7fc0_dead;

const memory = new WebAssembly.Memory({ initial: 256 }); // 16 MiB: the largest case needs ~12 MiB
const kernels = gemmKernels(memory);

/**
 * Lays `inputs` out in the test memory, `shift` bytes past 16-byte alignment with guard gaps
 * between them, then an output of `outCount` floats holding `outInit` (or guard bits). Runs
 * `kernel` on the byte offsets and checks that only the output changed; returns the output.
 */
function run(
  shift: number,
  inputs: Float32Array[],
  outCount: number,
  outInit: Float32Array | null,
  kernel: (pointers: number[], out: number) => void,
): Float32Array {
  const words = new Uint32Array(memory.buffer);
  const floats = new Float32Array(memory.buffer);
  let at = 16 + shift / 4;
  const place = (count: number): number => {
    const start = at;
    at = Math.ceil((at + count + GAP) / 4) * 4 + shift / 4;
    return start;
  };
  const starts = inputs.map((input) => place(input.length));
  const out = place(outCount);
  assert.ok(at <= words.length, 'the test memory is too small for this case');
  words.fill(GUARD, 0, at);
  inputs.forEach((input, i) => floats.set(input, starts[i]));
  if (outInit) floats.set(outInit, out);
  const before = words.slice(0, at);

  kernel(
    starts.map((s) => s * 4),
    out * 4,
  );

  for (let i = 0; i < at; i++) {
    if (i === out) i += outCount;
    if (words[i] !== before[i]) assert.fail(`wrote outside the output, ${i - out} floats from its start`);
  }
  return floats.slice(out, out + outCount);
}

/** Edge sizes around the 4- and 8-wide tiles, and one shape in four unaligned by 4, 8 or 12 bytes. */
function smallShapes(rng: Rng, count: number, dims: number): { dims: number[]; shift: number }[] {
  const edges = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 31, 33];
  return Array.from({ length: count }, (_, i) => ({
    dims: Array.from({ length: dims }, () => (rng() < 0.6 ? edges[int(rng, 0, edges.length - 1)] : int(rng, 1, 70))),
    shift: i % 4 === 3 ? 4 * int(rng, 1, 3) : 0,
  }));
}

/**
 * The float64 3×3 'same' convolution of x [batch, height, width, cin] with w [3, 3, cin, cout],
 * plus `bias` when given, then max(0, ·) when `relu`.
 */
function convReference(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  [batch, height, width, cin, cout]: number[],
  relu: boolean,
): Float64Array {
  const y = new Float64Array(batch * height * width * cout);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const yAt = ((b * height + r) * width + c) * cout;
        if (bias) for (let co = 0; co < cout; co++) y[yAt + co] = bias[co];
        for (let kh = 0; kh < 3; kh++) {
          const rr = r + kh - 1;
          if (rr < 0 || rr >= height) continue;
          for (let kw = 0; kw < 3; kw++) {
            const cc = c + kw - 1;
            if (cc < 0 || cc >= width) continue;
            const xAt = ((b * height + rr) * width + cc) * cin;
            for (let ci = 0; ci < cin; ci++) {
              const xv = x[xAt + ci];
              const wAt = ((kh * 3 + kw) * cin + ci) * cout;
              for (let co = 0; co < cout; co++) y[yAt + co] += xv * w[wAt + co];
            }
          }
        }
        if (relu) for (let co = 0; co < cout; co++) y[yAt + co] = Math.max(0, y[yAt + co]);
      }
    }
  }
  return y;
}

describe('SIMD matrix kernels match a float64 reference', () => {
  test('atb: C (+)= Aᵀ·B', () => {
    const rng = createRng(11);
    const real = TRAINING_SHAPES.atb.map((dims) => ({ dims, shift: 4 }));
    for (const [index, { dims, shift }] of [...smallShapes(rng, 120, 3), ...real].entries()) {
      const [n, m, p] = dims;
      const accumulate = index % 2;
      const a = values(rng, [n * m]);
      const b = values(rng, [n * p]);
      const old = values(rng, [m * p]);
      const expected = new Float64Array(m * p);
      if (accumulate) expected.set(old);
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < m; i++) {
          const aki = a[k * m + i];
          for (let j = 0; j < p; j++) expected[i * p + j] += aki * b[k * p + j];
        }
      }
      const got = run(shift, [a, b], m * p, accumulate ? old : null, ([pa, pb], pc) =>
        kernels.atb(pa, pb, pc, n, m, p, accumulate),
      );
      assertClose(got, expected, `atb n=${n} m=${m} p=${p} accumulate=${accumulate} shift=${shift}`);
    }
  });

  test('ab: C = A·B (+ bias, then ReLU)', () => {
    const rng = createRng(12);
    const real = TRAINING_SHAPES.ab.map((dims) => ({ dims, shift: 8 }));
    // k runs in blocks of 256, so some inner sizes straddle block edges.
    const long = [255, 256, 257, 600].map((n) => ({ dims: [int(rng, 1, 9), n, int(rng, 1, 20)], shift: 0 }));
    for (const [index, { dims, shift }] of [...smallShapes(rng, 120, 3), ...long, ...real].entries()) {
      const [m, n, p] = dims;
      const withBias = index % 2 === 1;
      const relu = (index >> 1) % 2;
      const a = values(rng, [m * n]);
      const b = values(rng, [n * p]);
      const bias = values(rng, [p]);
      const expected = new Float64Array(m * p);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < p; j++) {
          let sum = withBias ? bias[j] : 0;
          for (let k = 0; k < n; k++) sum += a[i * n + k] * b[k * p + j];
          expected[i * p + j] = relu ? Math.max(0, sum) : sum;
        }
      }
      const got = run(shift, [a, b, bias], m * p, null, ([pa, pb, pbias], pc) =>
        kernels.ab(pa, pb, withBias ? pbias : 0, pc, m, n, p, relu),
      );
      assertClose(got, expected, `ab m=${m} n=${n} p=${p} bias=${withBias} relu=${relu} shift=${shift}`);
    }
  });

  test('abt: C = A·Bᵀ', () => {
    const rng = createRng(13);
    const real = TRAINING_SHAPES.abt.map((dims) => ({ dims, shift: 12 }));
    for (const { dims, shift } of [...smallShapes(rng, 120, 3), ...real]) {
      const [m, n, p] = dims;
      const a = values(rng, [m * n]);
      const b = values(rng, [p * n]);
      const expected = new Float64Array(m * p);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < p; j++) {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += a[i * n + k] * b[j * n + k];
          expected[i * p + j] = sum;
        }
      }
      const got = run(shift, [a, b], m * p, null, ([pa, pb], pc) => kernels.abt(pa, pb, pc, m, n, p));
      assertClose(got, expected, `abt m=${m} n=${n} p=${p} shift=${shift}`);
    }
  });

  test('conv3x3FilterGrad: the weight gradient of a 3×3 same-padded convolution', () => {
    const rng = createRng(14);
    const cases: { dims: number[]; shift: number }[] = [];
    for (let i = 0; i < 60; i++) {
      // Widths up to 60 make several bands of rows per image; channel counts cover every tail.
      const dims = [int(rng, 1, 3), int(rng, 1, 12), int(rng, 1, 60), int(rng, 1, 9), int(rng, 1, 20)];
      cases.push({ dims, shift: i % 4 === 3 ? 4 : 0 });
    }
    cases.push(
      { dims: [1, 1, 1, 1, 1], shift: 0 },
      { dims: [2, 5, 5, 32, 64], shift: 4 },
      ...TRAINING_SHAPES.convdw.map((dims, i) => ({ dims, shift: 4 * (i + 1) })),
    );
    for (const { dims, shift } of cases) {
      const [batch, height, width, cin, cout] = dims;
      const x = values(rng, [batch * height * width * cin]);
      const dy = values(rng, [batch * height * width * cout]);
      const expected = new Float64Array(9 * cin * cout);
      for (let b = 0; b < batch; b++) {
        for (let y = 0; y < height; y++) {
          for (let kh = 0; kh < 3; kh++) {
            const yy = y + kh - 1;
            if (yy < 0 || yy >= height) continue;
            for (let xx0 = 0; xx0 < width; xx0++) {
              const dyAt = ((b * height + y) * width + xx0) * cout;
              for (let kw = 0; kw < 3; kw++) {
                const xx = xx0 + kw - 1;
                if (xx < 0 || xx >= width) continue;
                const xAt = ((b * height + yy) * width + xx) * cin;
                const dwAt = (kh * 3 + kw) * cin * cout;
                for (let ci = 0; ci < cin; ci++) {
                  const xv = x[xAt + ci];
                  const row = dwAt + ci * cout;
                  for (let co = 0; co < cout; co++) expected[row + co] += xv * dy[dyAt + co];
                }
              }
            }
          }
        }
      }
      // dw starts as random values: the kernel must overwrite, not accumulate.
      const got = run(shift, [x, dy], 9 * cin * cout, values(rng, [9 * cin * cout]), ([px, pdy], pdw) =>
        kernels.conv3x3FilterGrad(px, pdy, pdw, batch, height, width, cin, cout),
      );
      assertClose(got, expected, `conv3x3FilterGrad ${JSON.stringify(dims)} shift=${shift}`);
    }
  });

  test('conv3x3: a 3×3 same-padded convolution, plus bias, then ReLU', () => {
    const rng = createRng(16);
    // Mostly small channel counts, for every tail of the 8- and 4-wide tiles, now and then the CNN's.
    const channels = (most: number): number => (rng() < 0.15 ? [32, 64][int(rng, 0, 1)] : int(rng, 1, most));
    const cases: { dims: number[]; shift: number }[] = [];
    for (let i = 0; i < 160; i++) {
      // Sides up to 9 give rows and edge columns of every length around the 4-pixel tiles.
      const dims = [int(rng, 1, 3), int(rng, 1, 9), int(rng, 1, 9), channels(9), channels(13)];
      cases.push({ dims, shift: i % 4 === 3 ? 4 * int(rng, 1, 3) : 0 });
    }
    cases.push(
      { dims: [1, 1, 1, 1, 1], shift: 0 },
      { dims: [4, 28, 28, 1, 32], shift: 4 },
      { dims: [4, 14, 14, 32, 64], shift: 8 },
      { dims: [4, 14, 14, 64, 32], shift: 12 },
    );
    for (const [index, { dims, shift }] of cases.entries()) {
      const [batch, height, width, cin, cout] = dims;
      const withBias = index % 2 === 1;
      const relu = (index >> 1) % 2;
      const x = values(rng, [batch * height * width * cin]);
      const w = values(rng, [9 * cin * cout]);
      const bias = values(rng, [cout]);
      const expected = convReference(x, w, withBias ? bias : null, dims, relu === 1);
      // y starts as guard bits, so an output the kernel skips shows up as a NaN.
      const got = run(shift, [x, w, bias], expected.length, null, ([px, pw, pbias], py) =>
        kernels.conv3x3(px, pw, withBias ? pbias : 0, py, batch, height, width, cin, cout, relu),
      );
      assertClose(got, expected, `conv3x3 ${JSON.stringify(dims)} bias=${withBias} relu=${relu} shift=${shift}`);
    }
  });

  test('conv3x3 with the flipped, transposed filter is the input gradient', () => {
    const rng = createRng(17);
    for (const dims of [
      [2, 5, 7, 3, 10],
      [1, 1, 4, 9, 2],
      [2, 6, 6, 32, 64],
    ]) {
      const [batch, height, width, cin, cout] = dims;
      const w = values(rng, [9 * cin * cout]);
      const dy = values(rng, [batch * height * width * cout]);
      // dx[b, r, c, ci] = Σ dy[b, r', c', co] · w[kh, kw, ci, co] over the outputs (r', c') whose
      // tap (kh, kw) reads x[b, r, c]: r = r' + kh − 1, c = c' + kw − 1.
      const expected = new Float64Array(batch * height * width * cin);
      for (let b = 0; b < batch; b++) {
        for (let r = 0; r < height; r++) {
          for (let c = 0; c < width; c++) {
            for (let kh = 0; kh < 3; kh++) {
              for (let kw = 0; kw < 3; kw++) {
                const rr = r + kh - 1;
                const cc = c + kw - 1;
                if (rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
                const dyAt = ((b * height + r) * width + c) * cout;
                const dxAt = ((b * height + rr) * width + cc) * cin;
                for (let ci = 0; ci < cin; ci++) {
                  const wAt = ((kh * 3 + kw) * cin + ci) * cout;
                  for (let co = 0; co < cout; co++) expected[dxAt + ci] += dy[dyAt + co] * w[wAt + co];
                }
              }
            }
          }
        }
      }
      const flipped = new Float32Array(9 * cout * cin);
      for (let tap = 0; tap < 9; tap++) {
        for (let ci = 0; ci < cin; ci++) {
          for (let co = 0; co < cout; co++)
            flipped[(tap * cout + co) * cin + ci] = w[((8 - tap) * cin + ci) * cout + co];
        }
      }
      const got = run(4, [dy, flipped], expected.length, null, ([pdy, pw], pdx) =>
        kernels.conv3x3(pdy, pw, 0, pdx, batch, height, width, cout, cin, 0),
      );
      assertClose(got, expected, `conv3x3 input gradient ${JSON.stringify(dims)}`);
    }
  });

  test('zero sizes give zeros, the bias, or leave the output as it was', () => {
    const rng = createRng(15);
    const old = values(rng, [6]);
    const bias = values(rng, [3]);
    assertClose(
      run(0, [], 6, old, (_, pc) => kernels.atb(0, 0, pc, 0, 2, 3, 1)),
      Float64Array.from(old),
      'atb n=0 accumulate',
    );
    assertClose(
      run(0, [bias], 6, old, ([pbias], pc) => kernels.ab(0, 0, pbias, pc, 2, 0, 3, 0)),
      Float64Array.from([...bias, ...bias]),
      'ab n=0 with bias',
    );
    assert.deepEqual(
      run(0, [], 6, old, (_, pc) => kernels.abt(0, 0, pc, 2, 0, 3)),
      new Float32Array(6),
    );
    assert.deepEqual(
      run(0, [bias], 6, old, ([pbias], py) => kernels.conv3x3(0, 0, pbias, py, 0, 2, 1, 4, 3, 1)),
      old,
      'conv3x3 of an empty batch writes nothing',
    );
  });
});
