import type * as tfl from '@tensorflow/tfjs-layers';
import { IMAGE_PIXELS, normaliseUnit } from '../../data/index.js';
import { classifyImages } from '../evaluate.js';
import { decodePoints, encodeImages, type Vae } from '../vae.js';
import { decisiveShare, inkMasses } from './glyph-scores.js';

/** Latent coordinates per point. */
const LATENT_DIM = 2;

/** What one batch of latent points decodes into, measured. */
export interface GlyphMeasures {
  /** [count * 784] decoded pixels in [0, 1]. */
  pixels: Float32Array;
  /** [count] share of decisive pixels. */
  decisive: Float64Array;
  /** [count] summed pixel values. */
  ink: Float64Array;
  /** [count] latent distance from each point to the encoding of its own glyph. */
  drift: Float64Array;
  /** [count * 10] the CNN's probabilities, when a classifier was given. */
  probabilities?: Float32Array;
}

/**
 * Decodes `points`, measures each glyph, re-encodes it to see where it lands,
 * and, given a classifier, asks it what digit each glyph is. Callers batch:
 * every intermediate here is `points.length / 2` images big.
 *
 * @param points [count * 2] latent points
 */
export function measureGlyphs(
  vae: Vae,
  points: Float32Array,
  decisiveMargin: number,
  classifier?: tfl.LayersModel,
): GlyphMeasures {
  const count = points.length / LATENT_DIM;
  const pixels = decodePoints(vae, points); // [count * 784]
  const landed = encodeImages(vae, pixels); // [count * 2]
  // Doubles, so a reported score is exactly the number the thresholds were compared with.
  const decisive = new Float64Array(count);
  const drift = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    decisive[n] = decisiveShare(pixels.subarray(n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS), decisiveMargin);
    const i = n * LATENT_DIM;
    drift[n] = Math.hypot(landed[i]! - points[i]!, landed[i + 1]! - points[i + 1]!);
  }
  const measures: GlyphMeasures = { pixels, decisive, ink: inkMasses(pixels, IMAGE_PIXELS), drift };
  if (classifier !== undefined) measures.probabilities = classifyImages(classifier, normaliseUnit(pixels));
  return measures;
}
