/**
 * The VAE's reparameterisation noise, keyed by the example rather than drawn from a stream.
 * A stream seeded per batch or per shard hands an image different noise depending on how a
 * batch is split across workers, so `--seed` would repeat only for one worker count. Here
 * each value is a hash of (seed, epoch, training-set index, draw), so an image gets the same
 * ε in every shard, thread and backend, and a fresh one each epoch.
 */

/** 2^32, to turn a 32-bit hash into a uniform number. */
export const TWO_32 = 2 ** 32;
/** 2^32 / φ: an odd constant whose multiples spread consecutive integers over 32 bits. */
export const GOLDEN = 0x9e3779b9;

/**
 * A bijective avalanche on 32 bits (the whole MurmurHash3 finaliser; data/batches.ts mixes
 * epochs with its last four steps, and keeps them so that batch orders stay as they were): each
 * input bit flips about half of the output bits, so adjacent keys give unrelated outputs.
 */
export function scramble(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * ε ~ N(0, I) for the training images at `indices` in `epoch`: [indices.length, latent]
 * row-major, where row r depends only on (seed, epoch, indices[r]). Box–Muller turns each
 * pair of hashed uniforms into two independent standard normals.
 */
export function exampleNoise(seed: number, epoch: number, indices: Int32Array, latent: number): Float32Array {
  const out = new Float32Array(indices.length * latent);
  const keys = exampleKeys(seed, epoch, indices);
  for (let r = 0; r < indices.length; r++) {
    const example = keys[r];
    for (let j = 0; j < latent; j += 2) {
      // Offset by half a step, so u1 is in (0, 1) and its logarithm finite.
      const u1 = (scramble((example + Math.imul(j + 1, GOLDEN)) >>> 0) + 0.5) / TWO_32;
      const u2 = scramble((example + Math.imul(j + 2, GOLDEN)) >>> 0) / TWO_32;
      const radius = Math.sqrt(-2 * Math.log(u1));
      out[r * latent + j] = radius * Math.cos(2 * Math.PI * u2);
      if (j + 1 < latent) out[r * latent + j + 1] = radius * Math.sin(2 * Math.PI * u2);
    }
  }
  return out;
}

/**
 * A 32-bit key for each training image at `indices` in `epoch`, a hash of (seed, epoch,
 * index) alone: whatever draws from it (the VAE's noise, the CNN's shifts) gives an image the
 * same draw in every shard, thread and backend, and a fresh one each epoch.
 */
export function exampleKeys(seed: number, epoch: number, indices: ArrayLike<number>): Uint32Array {
  const keys = new Uint32Array(indices.length);
  // Each step is a bijection of the key so far, so within one (seed, epoch) no two indices share a key.
  const run = scramble(scramble(seed >>> 0) ^ Math.imul(epoch >>> 0, GOLDEN));
  for (let r = 0; r < indices.length; r++) keys[r] = scramble(run ^ indices[r]);
  return keys;
}
