/**
 * How the classifier is trained beyond its architecture: whether its training images are
 * shifted, and how its logits layer starts. `--augment` picks one; the saved metadata records it.
 */
import type { Augment } from '../config.js';

/** One recipe, as the training task takes it and the metadata records it. */
export interface CnnRecipe {
  /** Largest random shift of a training image along each axis, in pixels; 0 trains on them as they are. */
  maxShift: number;
  /**
   * How the logits layer starts: `small` draws its kernel at a tenth of Glorot's scale, so the
   * first logits are near zero and the first loss near ln 10, where an untrained classifier
   * belongs; `glorot` is the seed's draw, whose logits start out large and confident (first
   * losses of 3.4–7.4), costing the first steps.
   */
  logitsInit: 'small' | 'glorot';
}

/** The recipe every model was trained with before shifts: what `--augment off` trains. */
export const PLAIN_RECIPE: CnnRecipe = { maxShift: 0, logitsInit: 'glorot' };

/** Shifts of up to 2 pixels: far enough to move a digit, not so far as to push its ink out of the frame. */
const MAX_SHIFT = 2;

/**
 * Runs shorter than this many epochs train on unshifted images under `auto`: shifts regularise,
 * which pays once a run would otherwise fit its images too closely, and slows a short run's fit.
 */
export const SHIFT_FROM_EPOCHS = 5;

/** The recipe `augment` asks for in a run of `epochs` epochs. */
export function cnnRecipe(augment: Augment, epochs: number): CnnRecipe {
  if (augment === 'off') return PLAIN_RECIPE;
  const shifted = augment === 'on' || epochs >= SHIFT_FROM_EPOCHS;
  return { maxShift: shifted ? MAX_SHIFT : 0, logitsInit: 'small' };
}
