/**
 * New numbers: glyphs in the VAE's latent plane that are clean and digit-like
 * yet none of 0–9 to the CNN, the pictures that show them, and the store of
 * the names people give them. No React or Ink here; the TUI and the CLI both
 * call in.
 */

// Finding them
export {
  discoverNewNumbers,
  type Discovery,
  type DiscoveryCounts,
  type DiscoveryModels,
  type DiscoverOptions,
  type NewNumberCandidate,
} from './discover.js';
export { summariseTestSet, type TestSetSummary } from './test-set-summary.js';
export type { DiscoveryThresholds } from './thresholds.js';
export {
  DEFAULT_DISCOVERY,
  DEFAULT_GRID_SIDE,
  DEFAULT_MANIFOLD_SIDE,
  DEFAULT_TOP,
  MAX_GRID_SIDE,
  MAX_MANIFOLD_SIDE,
  type DiscoveryConfig,
} from './discovery-config.js';

// Measuring a glyph
export { decisiveShare, inkMass, topTwo, latentDistance, type DigitGuess } from './glyph-scores.js';
export { keepDistinct } from './distinct.js';
export { coveringBox, latentGrid, boxDiagonal, type LatentBox } from './latent-region.js';

// Pictures
export { renderGlyphSheet, glyphSheetLayout, formatLatentPoint, type SheetGlyph } from './glyph-sheet.js';
export { renderManifold } from './manifold.js';
export type { GrayCanvas } from './gray-canvas.js';

// Names
export {
  loadNamedNumbers,
  saveNamedNumber,
  isSameModel,
  NamedNumberError,
  NAMED_NUMBERS_FILE,
  type NamedNumber,
  type NewName,
  type ModelStamp,
} from './named-numbers.js';

// Files
export { writeFileAtomically, FileWriteError } from './atomic-write.js';
