/**
 * The `q`-quantile of `values` by linear interpolation between order
 * statistics (the common "type 7" definition), so it moves smoothly with `q`.
 *
 * @param values any finite numbers; not modified
 * @param q in [0, 1]
 * @throws {RangeError} on an empty input or a `q` outside [0, 1]
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile needs q in [0, 1], got ${q}`);
  const sorted = Float64Array.from(values).sort();
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
