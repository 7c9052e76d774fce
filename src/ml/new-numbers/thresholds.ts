import type { DiscoveryConfig } from './discovery-config.js';
import { measureGlyphs } from './glyph-measure.js';
import { boxDiagonal, type LatentBox } from './latent-region.js';
import { quantile } from './quantile.js';
import type { TestSetSummary } from './test-set-summary.js';
import type { Vae } from '../vae.js';

/** Test encodings decoded at a time while measuring the VAE's renderings of real digits. */
const REFERENCE_BATCH = 1000;

/** The config's rules turned into numbers for one pair of models. */
export interface DiscoveryThresholds {
  /** Unnameable: the CNN's top probability is below this. */
  maxTopProbability: number;
  /** Decisive: at least this share of pixels within `decisiveMargin` of 0 or 1. */
  minDecisiveShare: number;
  decisiveMargin: number;
  /** Typical ink: summed pixel values within [low, high]. */
  inkRange: [number, number];
  /** Stable: the glyph's own encoding lands at most this far from its point. */
  maxDrift: number;
  /** Distinct: kept candidates are at least this far apart in the latent plane. */
  minSeparation: number;
}

/**
 * Measures the VAE's renderings of the test digits (their encodings, decoded)
 * and reads the thresholds off them and the real digits' ink.
 *
 * @param region the scanned box, whose size sets the separation
 */
export function resolveThresholds(
  vae: Vae,
  summary: TestSetSummary,
  region: LatentBox,
  config: DiscoveryConfig,
): DiscoveryThresholds {
  const count = summary.inkMasses.length;
  const decisive = new Float64Array(count);
  const drift = new Float64Array(count);
  for (let start = 0; start < count; start += REFERENCE_BATCH) {
    const end = Math.min(count, start + REFERENCE_BATCH);
    const measures = measureGlyphs(vae, summary.encodings.subarray(start * 2, end * 2), config.decisiveMargin);
    decisive.set(measures.decisive, start);
    drift.set(measures.drift, start);
  }
  return {
    maxTopProbability: config.maxTopProbability,
    minDecisiveShare: quantile(decisive, config.decisiveQuantile),
    decisiveMargin: config.decisiveMargin,
    inkRange: [
      quantile(summary.inkMasses, config.inkQuantiles[0]),
      quantile(summary.inkMasses, config.inkQuantiles[1]),
    ],
    maxDrift: quantile(drift, config.driftQuantile),
    minSeparation: config.separation * boxDiagonal(region),
  };
}
