/** A seeded generator (createRng) of uniform numbers in [0, 1), for kernel and gradient checks. */
export type Rng = () => number;

/** An integer in [lo, hi]. */
export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
/** One of `options`. */
export const pick = <T>(rng: Rng, options: readonly T[]): T => options[Math.floor(rng() * options.length)];

/** Values in ±[0.1, 1]: never zero, so a kernel that drops a term cannot pass by accident. */
export function values(rng: Rng, shape: number[]): Float32Array {
  const out = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < out.length; i++) out[i] = (rng() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rng());
  return out;
}
