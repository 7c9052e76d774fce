/**
 * Per-glyph measurements, each a plain function of one image or one row of
 * probabilities, so tests can check them on crafted input.
 */

/** A digit and the CNN's probability for it. */
export interface DigitGuess {
  digit: number;
  probability: number;
}

/**
 * Share of pixels within `margin` of 0 or of 1: high for clean strokes on a
 * clean field, low for the grey haze of a blend.
 *
 * @param pixels one image, values in [0, 1]
 */
export function decisiveShare(pixels: ArrayLike<number>, margin: number): number {
  let decisive = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (v <= margin || v >= 1 - margin) decisive += 1;
  }
  return decisive / pixels.length;
}

/** Summed pixel values: how much ink an image holds. */
export function inkMass(pixels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < pixels.length; i++) sum += pixels[i]!;
  return sum;
}

/** Ink masses of `count` images of `size` pixels laid end to end. */
export function inkMasses(images: ArrayLike<number>, size: number): Float64Array {
  const count = images.length / size;
  const masses = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    let sum = 0;
    for (let p = n * size; p < (n + 1) * size; p++) sum += images[p]!;
    masses[n] = sum;
  }
  return masses;
}

/**
 * The two most probable digits, best first; a tie goes to the smaller digit.
 *
 * @param probabilities one row of class probabilities, at least two long
 */
export function topTwo(probabilities: ArrayLike<number>): [DigitGuess, DigitGuess] {
  let best = 0;
  let second = 1;
  if (probabilities[second]! > probabilities[best]!) [best, second] = [second, best];
  for (let d = 2; d < probabilities.length; d++) {
    const p = probabilities[d]!;
    if (p > probabilities[best]!) [best, second] = [d, best];
    else if (p > probabilities[second]!) second = d;
  }
  return [
    { digit: best, probability: probabilities[best]! },
    { digit: second, probability: probabilities[second]! },
  ];
}

/** Euclidean distance between two latent points. */
export function latentDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
}
