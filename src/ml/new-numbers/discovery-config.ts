/**
 * What counts as a new number, in one typed config. Imports nothing, so the
 * CLI can show the defaults in its help without loading TensorFlow.js.
 *
 * The "digit-like" tests are judged against the test set itself rather than
 * against fixed pixel levels: a 2-D VAE's decoder draws Bernoulli means, so
 * even its renderings of real digits are soft-edged, and how soft depends on
 * how long it trained. Asking a glyph to be as crisp and as stable as the
 * VAE's own renderings of real digits keeps the thresholds meaningful for a
 * model trained one epoch or fifty.
 */
export interface DiscoveryConfig {
  /** Points per side of the scanned grid; the scan decodes side² glyphs. */
  gridSide: number;
  /** Candidates to return, best first. */
  top: number;
  /** Share of the test set's encodings the scanned box must hold. */
  coverage: number;
  /** A glyph is unnameable when the CNN's top probability is below this. */
  maxTopProbability: number;
  /** A pixel is decisive when it lies within this of 0 or of 1. */
  decisiveMargin: number;
  /**
   * A glyph's share of decisive pixels must reach this quantile of the same
   * share over the VAE's renderings of the test digits (decoded encodings).
   */
  decisiveQuantile: number;
  /** Real digits' ink masses (summed pixel values) between these quantiles are typical. */
  inkQuantiles: readonly [number, number];
  /**
   * Drift (how far encoding the decoded glyph lands from its latent point)
   * may be at most this quantile of the drift at the test digits' encodings.
   */
  driftQuantile: number;
  /** Kept candidates are at least this share of the scanned box's diagonal apart. */
  separation: number;
}

/** The grid and count of the `discover` command unless told otherwise. */
export const DEFAULT_GRID_SIDE = 256;
export const DEFAULT_TOP = 12;

/** Glyphs per side of the `manifold` picture unless told otherwise. */
export const DEFAULT_MANIFOLD_SIDE = 20;

/** Largest grid side the CLI accepts: 1024² glyphs already take minutes on a CPU. */
export const MAX_GRID_SIDE = 1024;

export const DEFAULT_DISCOVERY: DiscoveryConfig = {
  gridSide: DEFAULT_GRID_SIDE,
  top: DEFAULT_TOP,
  coverage: 0.99,
  // Below one half no digit is more likely than all the others together.
  maxTopProbability: 0.5,
  // Below 0.2 or above 0.8 reads as background or ink at a glance; between is the grey of mush.
  decisiveMargin: 0.2,
  // As crisp as the median rendering of a real digit: candidates lie between
  // the digits' clusters, where blends blur, so asking for typical crispness
  // is what separates a clean glyph from a cross-fade.
  decisiveQuantile: 0.5,
  // As the issue asks: neither a faint trace nor a blot.
  inkQuantiles: [0.05, 0.95],
  // As stable as three in four real digits: a glyph the encoder would put
  // somewhere else is a passing blur, not a place on the map.
  driftQuantile: 0.75,
  // On the manifold one digit morphs into the next over about a tenth of the
  // box; nearer candidates are the same shape drawn slightly differently.
  separation: 0.1,
};

/** Largest manifold side the CLI accepts: a 2800-pixel-square PNG. */
export const MAX_MANIFOLD_SIDE = 100;
