import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng, NUM_CLASSES } from '../../data/index.js';
import type { Vae } from '../vae.js';
import { DEFAULT_DISCOVERY, type DiscoveryConfig } from './discovery-config.js';
import { keepDistinct } from './distinct.js';
import { measureGlyphs } from './glyph-measure.js';
import { topTwo, type DigitGuess } from './glyph-scores.js';
import { coveringBox, latentGrid, shareInside, type LatentBox } from './latent-region.js';
import type { TestSetSummary } from './test-set-summary.js';
import { resolveThresholds, type DiscoveryThresholds } from './thresholds.js';

/** Grid points decoded, classified and re-encoded at a time: the CNN's activations stay near 25 MB. */
const SCAN_BATCH = 256;

/** The two models that judge a glyph together. */
export interface DiscoveryModels {
  vae: Vae;
  classifier: tfl.LayersModel;
}

/** Options of one scan: any config field to override, the seed and a progress callback. */
export interface DiscoverOptions extends Partial<DiscoveryConfig> {
  /** Places the grid within its cells, so another seed samples between this scan's points. */
  seed: number;
  /** Called after each batch with the points scanned so far and in all. */
  onProgress?: (done: number, total: number) => void;
}

/** A latent point whose glyph is clean, typical in ink, stable, and none of 0–9. */
export interface NewNumberCandidate {
  z: [number, number];
  /** The CNN's two best guesses, best first; the best is below `maxTopProbability`. */
  guesses: [DigitGuess, DigitGuess];
  /** Share of pixels within the decisive margin of 0 or 1. */
  decisiveShare: number;
  /** Summed pixel values. */
  inkMass: number;
  /** Latent distance from the point to the encoding of its glyph. */
  drift: number;
  /** In [0, 1]: the geometric mean of how far the glyph clears each threshold; higher is better. */
  score: number;
}

/** How many grid points passed each test. */
export interface DiscoveryCounts {
  points: number;
  unnameable: number;
  decisive: number;
  typicalInk: number;
  stable: number;
  /** Passed all four. */
  passing: number;
}

/** A scan's result and everything needed to read or repeat it. */
export interface Discovery {
  /** The scanned box, and the share of the test encodings inside it. */
  region: LatentBox;
  regionShare: number;
  gridSide: number;
  /** Where each grid point sits in its cell, [x, y] in [0, 1). */
  gridOffset: [number, number];
  thresholds: DiscoveryThresholds;
  counts: DiscoveryCounts;
  /** At most `top`, best first, pairwise at least `thresholds.minSeparation` apart. */
  candidates: NewNumberCandidate[];
}

/**
 * Scans the latent plane for new numbers: decodes a grid over the box holding
 * most test encodings, asks the CNN about every glyph, keeps those it cannot
 * name that are still digit-like, and returns the best distinct ones.
 * The same models, summary and options always give the same result.
 */
export async function discoverNewNumbers(
  models: DiscoveryModels,
  summary: TestSetSummary,
  options: DiscoverOptions,
): Promise<Discovery> {
  const { seed, onProgress, ...overrides } = options;
  const config: DiscoveryConfig = { ...DEFAULT_DISCOVERY, ...overrides };
  const region = coveringBox(summary.encodings, config.coverage);
  const thresholds = resolveThresholds(models.vae, summary, region, config);
  const random = createRng(seed);
  const gridOffset: [number, number] = [random(), random()];
  const grid = latentGrid(region, config.gridSide, gridOffset); // [side² * 2]
  const total = config.gridSide ** 2;
  const counts: DiscoveryCounts = { points: total, unnameable: 0, decisive: 0, typicalInk: 0, stable: 0, passing: 0 };
  const passing: NewNumberCandidate[] = [];
  for (let start = 0; start < total; start += SCAN_BATCH) {
    const end = Math.min(total, start + SCAN_BATCH);
    const points = grid.subarray(start * 2, end * 2);
    const measures = measureGlyphs(models.vae, points, config.decisiveMargin, models.classifier);
    for (let n = 0; n < end - start; n++) {
      const guesses = topTwo(measures.probabilities!.subarray(n * NUM_CLASSES, (n + 1) * NUM_CLASSES));
      const candidate: NewNumberCandidate = {
        z: [points[n * 2]!, points[n * 2 + 1]!],
        guesses,
        decisiveShare: measures.decisive[n]!,
        inkMass: measures.ink[n]!,
        drift: measures.drift[n]!,
        score: 0,
      };
      if (judge(candidate, thresholds, counts)) {
        candidate.score = clearance(candidate, thresholds);
        passing.push(candidate);
      }
    }
    onProgress?.(end, total);
    // Lets a TUI redraw between batches of a scan that can take a minute.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    region,
    regionShare: shareInside(summary.encodings, region),
    gridSide: config.gridSide,
    gridOffset,
    thresholds,
    counts,
    candidates: keepDistinct(passing, thresholds.minSeparation, config.top),
  };
}

/** Tallies which tests a glyph passes and says whether it passes them all. */
function judge(candidate: NewNumberCandidate, t: DiscoveryThresholds, counts: DiscoveryCounts): boolean {
  const unnameable = candidate.guesses[0].probability < t.maxTopProbability;
  const decisive = candidate.decisiveShare >= t.minDecisiveShare;
  const typicalInk = candidate.inkMass >= t.inkRange[0] && candidate.inkMass <= t.inkRange[1];
  const stable = candidate.drift <= t.maxDrift;
  counts.unnameable += Number(unnameable);
  counts.decisive += Number(decisive);
  counts.typicalInk += Number(typicalInk);
  counts.stable += Number(stable);
  const all = unnameable && decisive && typicalInk && stable;
  counts.passing += Number(all);
  return all;
}

/**
 * How comfortably a passing glyph clears the three graded tests, each as a
 * share of the room its threshold leaves (0 at the threshold, 1 at best),
 * combined by geometric mean so a glyph barely passing any one ranks low.
 * Ink is pass or fail: a typical amount is not better for being average.
 */
function clearance(candidate: NewNumberCandidate, t: DiscoveryThresholds): number {
  const room = (margin: number, span: number) => (span > 0 ? margin / span : 1);
  const unnameable = room(t.maxTopProbability - candidate.guesses[0].probability, t.maxTopProbability);
  const decisive = room(candidate.decisiveShare - t.minDecisiveShare, 1 - t.minDecisiveShare);
  const stable = room(t.maxDrift - candidate.drift, t.maxDrift);
  return Math.cbrt(unnameable * decisive * stable);
}
