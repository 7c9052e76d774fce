/**
 * A small seeded PRNG (mulberry32): 32 bits of state, fast, and good enough
 * for shuffling and initialisation; not for anything secret.
 *
 * @param seed any number; only its low 32 bits matter
 * @returns a function giving uniform floats in [0, 1)
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
