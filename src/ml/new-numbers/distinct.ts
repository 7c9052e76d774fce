import { latentDistance } from './glyph-scores.js';

/** Anything with a latent point and a score where higher is better. */
export interface Scored {
  z: readonly [number, number];
  score: number;
}

/**
 * The best `limit` items no two of which are nearer than `minSeparation`:
 * walking from the best down, an item is kept unless a kept, better one is
 * too close. Ties in score keep the input order, so the result is repeatable.
 */
export function keepDistinct<T extends Scored>(items: readonly T[], minSeparation: number, limit: number): T[] {
  const order = items.map((_, index) => index).sort((a, b) => items[b]!.score - items[a]!.score || a - b);
  const kept: T[] = [];
  for (const index of order) {
    if (kept.length >= limit) break;
    const item = items[index]!;
    if (kept.every((other) => latentDistance(other.z, item.z) >= minSeparation)) kept.push(item);
  }
  return kept;
}
