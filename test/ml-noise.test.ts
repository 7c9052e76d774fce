import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exampleNoise } from '../src/ml/noise.js';

const LATENT = 2;

/** Row `r` of a [rows, LATENT] noise matrix. */
function row(noise: Float32Array, r: number): number[] {
  return Array.from(noise.subarray(r * LATENT, (r + 1) * LATENT));
}

function range(count: number, from = 0): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => from + i);
}

describe('the VAE noise keyed by example', () => {
  it('gives an image the same noise whichever batch or shard it comes in', () => {
    const whole = exampleNoise(5, 3, Int32Array.of(40, 7, 59_999, 0, 12), LATENT);
    // The same images split over two shards, in another order.
    const first = exampleNoise(5, 3, Int32Array.of(0, 40), LATENT);
    const second = exampleNoise(5, 3, Int32Array.of(12, 59_999, 7), LATENT);
    assert.deepEqual(row(first, 0), row(whole, 3));
    assert.deepEqual(row(first, 1), row(whole, 0));
    assert.deepEqual(row(second, 0), row(whole, 4));
    assert.deepEqual(row(second, 1), row(whole, 2));
    assert.deepEqual(row(second, 2), row(whole, 1));
    assert.deepEqual(exampleNoise(5, 3, Int32Array.of(7), LATENT), exampleNoise(5, 3, Int32Array.of(7), LATENT));
  });

  it('changes with the seed, the epoch and the image', () => {
    const indices = range(1000);
    const base = exampleNoise(5, 3, indices, LATENT);
    for (const [what, other] of [
      ['seed', exampleNoise(6, 3, indices, LATENT)],
      ['epoch', exampleNoise(5, 4, indices, LATENT)],
      ['image', exampleNoise(5, 3, range(1000, 1), LATENT)],
    ] as const) {
      for (let i = 0; i < base.length; i++) assert.notEqual(other[i], base[i], `${what}: value ${i}`);
    }
    const rows = new Set(Array.from({ length: indices.length }, (_, r) => row(base, r).join(',')));
    assert.equal(rows.size, indices.length, 'no two images share their noise');
  });

  it('is standard normal: mean 0, variance 1, tails, and no correlation between draws', () => {
    // Several (seed, epoch) runs of consecutive indices, the keys training actually uses.
    const samples: number[] = [];
    let pairProduct = 0;
    let neighbourProduct = 0;
    let pairs = 0;
    for (const [seed, epoch] of [
      [42, 1],
      [42, 2],
      [0, 1],
      [7, 20],
    ]) {
      const noise = exampleNoise(seed, epoch, range(60_000), LATENT);
      for (let r = 0; r < 60_000; r++) {
        samples.push(noise[r * LATENT], noise[r * LATENT + 1]);
        pairProduct += noise[r * LATENT] * noise[r * LATENT + 1];
        if (r > 0) neighbourProduct += noise[r * LATENT] * noise[(r - 1) * LATENT];
        pairs += 1;
      }
    }
    const n = samples.length;
    const mean = samples.reduce((sum, x) => sum + x, 0) / n;
    const variance = samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n;
    const tail = samples.filter((x) => Math.abs(x) > 1.96).length / n;
    // n = 480,000: the standard errors are 0.0014 (mean), 0.002 (variance), 0.0003 (tail share)
    // and 0.002 (correlations); the bounds are about 5 of them.
    assert.ok(Math.abs(mean) < 0.007, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.01, `variance ${variance}`);
    assert.ok(Math.abs(tail - 0.05) < 0.0015, `share beyond ±1.96: ${tail}`);
    assert.ok(Math.abs(pairProduct / pairs) < 0.01, `correlation of an image's two values ${pairProduct / pairs}`);
    assert.ok(
      Math.abs(neighbourProduct / pairs) < 0.01,
      `correlation of neighbouring images ${neighbourProduct / pairs}`,
    );
    assert.ok(
      samples.every((x) => Number.isFinite(x)),
      'every value finite',
    );
  });

  it('fills an odd latent size too', () => {
    const noise = exampleNoise(1, 1, range(100), 3);
    assert.equal(noise.length, 300);
    assert.ok(noise.every((x) => Number.isFinite(x) && x !== 0));
    assert.deepEqual(Array.from(noise.subarray(0, 2)), Array.from(exampleNoise(1, 1, range(1), 2)));
  });
});
