/**
 * New numbers: glyphs in the VAE's latent plane that are clean and digit-like
 * yet none of 0–9 to the CNN, the manifold picture of the whole plane, and
 * the store of the names people give them. Composing pictures is in
 * `src/images`, writing files durably in `src/files`. No React or Ink here;
 * the TUI and the CLI both call in.
 */

// Finding them
export { discoverNewNumbers, type Discovery, type NewNumberCandidate } from './discover.js';
export { summariseTestSet, type TestSetSummary } from './test-set-summary.js';
export { DEFAULT_DISCOVERY, DEFAULT_GRID_SIDE, DEFAULT_MANIFOLD_SIDE, DEFAULT_TOP } from './discovery-config.js';

// Measuring a glyph
export { decisiveShare, inkMass, topTwo } from './glyph-scores.js';
export { keepDistinct } from './distinct.js';
export { coveringBox, latentGrid, boxDiagonal } from './latent-region.js';

// The plane as one picture
export { renderManifold } from './manifold.js';

// Names
export {
  loadNamedNumbers,
  saveNamedNumber,
  isSameModel,
  NamedNumberError,
  NAMED_NUMBERS_FILE,
  type NamedNumber,
  type NewName,
} from './named-numbers.js';
