/**
 * Sizes the slices of background work done on the UI thread (encoding the
 * test set, decoding the certainty map) so that each takes about a budget:
 * a key that arrives during a slice waits at most that long, on a fast
 * machine or a slow one, idle or busy training.
 */

/** A slice's time budget: a fraction of a 16 ms frame. */
export const SLICE_BUDGET_MS = 3;

export interface SliceSizer {
  /** Items for the next slice. */
  readonly size: number;
  /** Runs `work` on the next slice's size and sizes the one after from how long it took. */
  run<T>(work: (size: number) => T): T;
}

/** Starts at `first` items a slice and never goes above `max`. */
export function createSliceSizer(first: number, max: number, budgetMs = SLICE_BUDGET_MS): SliceSizer {
  let size = first;
  return {
    get size() {
      return size;
    },
    run(work) {
      const started = performance.now();
      const result = work(size);
      const took = performance.now() - started;
      // Grow at most fourfold a slice, so one fast call (a cache, a pause of the clock) does not swing it.
      size = Math.max(1, Math.min(max, size * 4, Math.floor((size * budgetMs) / Math.max(took, 0.01))));
      return result;
    },
  };
}
