/**
 * The New numbers gallery as a list: the scan's candidates in its order,
 * each with its name once it has one, then the named numbers this scan did
 * not find (named in earlier sessions, or under another VAE).
 */
import type { ModelMetadata } from '../../ml/index.js';
import type { NewNumberCandidate } from '../../ml/new-numbers/index.js';
// The module itself, not the folder's index, which loads TensorFlow.js (its glyph measures) before the first frame.
import { isSameModel, type NamedNumber } from '../../ml/new-numbers/named-numbers.js';
import type { GalleryItem, LatentPoint } from './app-state.js';

/** A name belongs to a candidate this close: the store keeps the point exactly, JSON round-trips doubles. */
const SAME_POINT = 1e-9;

function samePoint(a: LatentPoint, b: LatentPoint): boolean {
  return Math.abs(a[0] - b[0]) < SAME_POINT && Math.abs(a[1] - b[1]) < SAME_POINT;
}

/** The gallery for `candidates` and `named`, without pictures; `vae` is the loaded VAE's metadata. */
export function galleryItems(
  candidates: readonly NewNumberCandidate[],
  named: readonly NamedNumber[],
  vae: ModelMetadata | undefined,
): GalleryItem[] {
  const sameVae = (entry: NamedNumber) => vae !== undefined && isSameModel(entry.vae, vae);
  const shown = new Set<NamedNumber>();
  const found = candidates.map((candidate): GalleryItem => {
    const entry = named.find((n) => !shown.has(n) && sameVae(n) && samePoint(n.z, candidate.z));
    if (entry === undefined) return { z: candidate.z, candidate, otherVae: false };
    shown.add(entry);
    return { z: candidate.z, candidate, otherVae: false, name: entry.name, namedAt: entry.namedAt };
  });
  const others = named
    .filter((entry) => !shown.has(entry))
    .map((entry): GalleryItem => ({ z: entry.z, name: entry.name, namedAt: entry.namedAt, otherVae: !sameVae(entry) }));
  return [...found, ...others];
}
