/** Where each weight tensor lies in a model's flat weight (and gradient) vector. */
export interface WeightSlot {
  shape: number[];
  offset: number;
  size: number;
}

/**
 * Lays `expected` shapes end to end, in the order of the model's trainable variables, after
 * checking `actual` (those variables' shapes) against them: a hand-written pass hard-codes one
 * architecture and must refuse any other rather than compute a wrong gradient.
 */
export function layoutWeights(model: string, expected: number[][], actual: number[][]): WeightSlot[] {
  const describe = (shapes: number[][]) => shapes.map((s) => `[${s.join(',')}]`).join(' ');
  if (describe(expected) !== describe(actual)) {
    throw new Error(`hand-written ${model} pass expects weights ${describe(expected)}, got ${describe(actual)}`);
  }
  let offset = 0;
  return expected.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const slot = { shape, offset, size };
    offset += size;
    return slot;
  });
}

/** The values of `slot` in a flat vector, without copying. */
export function slice(values: Float32Array, slot: WeightSlot): Float32Array {
  return values.subarray(slot.offset, slot.offset + slot.size);
}
