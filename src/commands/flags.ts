import { UserFacingError } from '../errors.js';
import type { Augment, BackendName } from '../config.js';
import { MAX_SHARDS } from '../ml/engine/engine.js';
import { MAX_GRID_SIDE, MAX_MANIFOLD_SIDE } from '../ml/new-numbers/discovery-config.js';

/** Characters that would break a message's one line or hide part of it from view. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A mistake in how the command was called: exit code 2 with a pointer to --help. The
 * message quotes what the user typed, so control characters in it are shown escaped
 * (`\u000a`) to keep the message on one line.
 */
export class UsageError extends UserFacingError {
  override name = 'UsageError';

  constructor(message: string) {
    super(message.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
}

/** The whole numbers a numeric flag accepts, both ends included. */
export interface IntegerRange {
  min: number;
  max: number;
}

/**
 * Every integer flag and the values it accepts. Each bound keeps a run finite and its
 * memory sane; the help text and the README show these ranges.
 */
export const INTEGER_FLAGS = {
  // A thousand passes is far past where either model stops improving.
  epochs: { min: 1, max: 1000 },
  // The hand-written passes keep a whole batch's activations (about 0.4 MB an image for the CNN) per worker.
  'batch-size': { min: 1, max: 1024 },
  // An IDX header counts images in 32 bits; loading refuses more than the set holds.
  limit: { min: 1, max: 2 ** 32 - 1 },
  // Loading refuses a hold-out that leaves no training images.
  validation: { min: 1, max: 2 ** 32 - 1 },
  // The PRNG keeps 32 bits of state, so larger seeds would repeat smaller ones.
  seed: { min: 0, max: 2 ** 32 - 1 },
  // The worker engine splits a batch into at most this many shards.
  workers: { min: 1, max: MAX_SHARDS },
  // 64 makes a 1792-pixel square; beyond that a PNG of one digit only grows.
  scale: { min: 1, max: 64 },
  // Candidates lie a tenth of the box apart, so a scan finds a few dozen at most.
  top: { min: 1, max: 100 },
  grid: { min: 1, max: MAX_GRID_SIDE },
  n: { min: 1, max: MAX_MANIFOLD_SIDE },
  // Two frames are the ends; 600 is ten seconds at 60 frames a second, and keeps the GIF's memory bounded.
  frames: { min: 2, max: 600 },
  // GIF counts hundredths of a second, and viewers show delays under 20 ms as 100 ms; ten seconds is a slide show.
  delay: { min: 20, max: 10_000 },
  // K decodes per test image: 5000, the most the literature uses, is 50 million for the test set.
  iw: { min: 1, max: 5000 },
} as const satisfies Record<string, IntegerRange>;

export type IntegerFlag = keyof typeof INTEGER_FLAGS;

/**
 * How far from the origin `--z` may go. The VAE's prior is a unit normal and the test set
 * encodes within a few units of the origin; points far beyond decode to the same saturated
 * glyph, and past float32's range to NaN.
 */
export const LATENT_BOUND = 100;

const BACKENDS: readonly BackendName[] = ['auto', 'wasm', 'cpu', 'webgpu', 'tensorflow'];

/** `min–max` of an integer flag, for help text and messages. */
export function rangeText(flag: IntegerFlag): string {
  const { min, max } = INTEGER_FLAGS[flag];
  return `${min}–${max}`;
}

/**
 * Reads the value of an integer flag: decimal digits only, within the flag's range.
 *
 * @throws {UsageError} naming the flag, its range and the value given.
 */
export function parseIntegerFlag(flag: IntegerFlag, value: string): number {
  const { min, max } = INTEGER_FLAGS[flag];
  if (!/^\d+$/.test(value))
    throw new UsageError(`--${flag} needs a whole number from ${min} to ${max}, got "${value}"`);
  const n = Number(value);
  if (n < min) throw new UsageError(`--${flag} must be at least ${min}, got ${value}`);
  if (n > max) throw new UsageError(`--${flag} can be at most ${max}, got ${value}`);
  return n;
}

/**
 * Reads `--backend`.
 *
 * @throws {UsageError} when the value is not a backend we know.
 */
export function parseBackend(value: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${value}"`);
  }
  return value as BackendName;
}

const AUGMENTS: readonly Augment[] = ['auto', 'on', 'off'];

/**
 * Reads `--augment`.
 *
 * @throws {UsageError} on anything but auto, on or off.
 */
export function parseAugment(value: string): Augment {
  if (!(AUGMENTS as readonly string[]).includes(value)) {
    throw new UsageError(`--augment must be one of ${AUGMENTS.join(', ')}, got "${value}"`);
  }
  return value as Augment;
}

/**
 * Reads a latent point ("X,Y": `--z`, or `walk`'s `--from`, `--to` and `--through`)
 * into two numbers within ±LATENT_BOUND.
 *
 * @throws {UsageError} naming `flag` when the value is not two such numbers.
 */
export function parseLatentPoint(value: string, flag = 'z'): [number, number] {
  const parts = value.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (parts.length !== 2 || !parts.every((p) => Number.isFinite(p) && Math.abs(p) <= LATENT_BOUND)) {
    throw new UsageError(`--${flag} needs two numbers from -${LATENT_BOUND} to ${LATENT_BOUND} as X,Y, got "${value}"`);
  }
  return [parts[0], parts[1]];
}
