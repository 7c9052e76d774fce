import { createRng } from './rng.js';

// Consecutive epochs give consecutive inputs; a multiply-xorshift mix keeps
// their streams unrelated instead of merely offset.
function epochSeed(seed: number, epoch: number): number {
  let h = Math.imul((seed >>> 0) ^ Math.imul(epoch >>> 0, 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A permutation of `0 .. count-1` that depends only on `(seed, epoch)`, cut into
 * batches of `batchSize`; the last batch keeps the remainder and may be shorter.
 *
 * @returns batches that are views into one shared Int32Array
 * @throws {RangeError} when `count` is not a non-negative integer or `batchSize` not a positive one
 */
export function shuffledBatches(count: number, batchSize: number, seed: number, epoch: number): Int32Array[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  }
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Fisher–Yates: every permutation equally likely.
  const random = createRng(epochSeed(seed, epoch));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  const batches: Int32Array[] = [];
  for (let start = 0; start < count; start += batchSize) batches.push(order.subarray(start, start + batchSize));
  return batches;
}
