/**
 * Inking the 28×28 canvas of the Draw view with a soft round brush, about
 * as thick as the strokes in MNIST, so the CNN sees digits like its own.
 */
import { IMAGE_SIDE } from '../../data/index.js';

/** Full ink within this distance of the brush centre, in pixels… */
const BRUSH_CORE = 1;
/** …fading to none at this distance. */
const BRUSH_EDGE = 2;

/** How much ink the brush leaves at distance `d`. */
function brush(d: number): number {
  if (d <= BRUSH_CORE) return 1;
  return d >= BRUSH_EDGE ? 0 : (BRUSH_EDGE - d) / (BRUSH_EDGE - BRUSH_CORE);
}

/**
 * A copy of `pixels` with the brush applied at (`x`, `y`), in pixel units
 * (pixel i spans [i, i+1)); `ink` false erases instead, clearing everything
 * the brush touches, so its soft edge leaves no grey behind.
 */
export function dab(pixels: Float32Array, x: number, y: number, ink: boolean): Float32Array {
  const out = pixels.slice();
  const reach = Math.ceil(BRUSH_EDGE);
  for (let row = Math.floor(y) - reach; row <= Math.floor(y) + reach; row++) {
    for (let col = Math.floor(x) - reach; col <= Math.floor(x) + reach; col++) {
      if (row < 0 || row >= IMAGE_SIDE || col < 0 || col >= IMAGE_SIDE) continue;
      const amount = brush(Math.hypot(col + 0.5 - x, row + 0.5 - y));
      const i = row * IMAGE_SIDE + col;
      if (ink) out[i] = Math.max(out[i]!, amount);
      else if (amount > 0) out[i] = 0;
    }
  }
  return out;
}

/** A copy of `pixels` with a stroke from `from` to `to`, dabbed every half pixel so it has no gaps. */
export function stroke(
  pixels: Float32Array,
  from: { x: number; y: number },
  to: { x: number; y: number },
  ink: boolean,
): Float32Array {
  const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) * 2));
  let out = pixels;
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    out = dab(out, from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t, ink);
  }
  return out;
}

/** Whether any pixel holds ink. */
export function hasInk(pixels: Float32Array): boolean {
  return pixels.some((p) => p > 0);
}
