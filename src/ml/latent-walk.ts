/**
 * A latent walk: frames spaced evenly along a path through the VAE's latent plane,
 * each the digit decoded there with the CNN's guess under it, written as an animated
 * GIF. The models come in as plain functions on typed arrays, so the app's model
 * handles and the CLI's loaded models serve alike and nothing here loads TensorFlow.js.
 */
import { IMAGE_PIXELS } from '../data/index.js';
import { writeFileAtomically } from '../files/index.js';
import { encodeGrayGif, formatGuess, renderWalkFrame, walkFrameLayout } from '../images/index.js';

/** Latent coordinates per point. */
const LATENT_DIM = 2;

/** What a walk asks of the models. */
export interface WalkModels {
  /** Images [n * 784] in [0, 1] for latent points [n * 2]. */
  decode(points: Float32Array): Float32Array;
  /** Class probabilities [n * 10] of images [n * 784] in [0, 1]. */
  classify(pixels: Float32Array): Float32Array;
}

export interface WalkOptions {
  /** Frames along the whole path, at least 2 (the two ends). */
  frames: number;
  /** Each digit pixel becomes a scale×scale block. */
  scale: number;
  /** Milliseconds per frame. */
  delayMs: number;
}

/** One frame of a walk, as it was captioned. */
export interface WalkFrame {
  z: [number, number];
  /** The CNN's digit and its probability. */
  digit: number;
  probability: number;
}

/** What a written walk holds. */
export interface WalkSummary {
  frames: WalkFrame[];
  width: number;
  height: number;
  /** Size of the GIF file. */
  bytes: number;
}

/**
 * `count` points spaced evenly by distance along the polyline through `waypoints`
 * (not evenly per segment, so a long leg gets more frames than a short one), the
 * first and last on its ends. A path of zero length gives its one point `count` times.
 *
 * @returns [count * 2] latent points
 * @throws {RangeError} for no waypoints or fewer than two points asked
 */
export function pointsAlongPath(waypoints: readonly (readonly [number, number])[], count: number): Float32Array {
  if (waypoints.length === 0) throw new RangeError('a path needs at least one point');
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`a walk needs at least 2 frames, got ${count}`);
  // Doubles until the end, so spacing is exact before rounding to float32.
  const reached = [0]; // distance along the path at each waypoint
  for (let i = 1; i < waypoints.length; i++) {
    const [x0, y0] = waypoints[i - 1]!;
    const [x1, y1] = waypoints[i]!;
    reached.push(reached[i - 1]! + Math.hypot(x1 - x0, y1 - y0));
  }
  const length = reached.at(-1)!;
  const points = new Float32Array(count * LATENT_DIM);
  let segment = 0;
  for (let k = 0; k < count; k++) {
    // The last frame sits on the end itself, whatever the division rounds to.
    const distance = k === count - 1 ? length : (length * k) / (count - 1);
    while (segment < waypoints.length - 2 && reached[segment + 1]! < distance) segment++;
    const [x0, y0] = waypoints[segment]!;
    const [x1, y1] = waypoints[Math.min(segment + 1, waypoints.length - 1)]!;
    const span = (reached[segment + 1] ?? 0) - reached[segment]!;
    const t = span > 0 ? Math.min(1, (distance - reached[segment]!) / span) : 0;
    // Weighted so that t = 0 and t = 1 give the waypoints exactly, which `x0 + (x1 - x0) * t` need not.
    points[k * LATENT_DIM] = x0 * (1 - t) + x1 * t;
    points[k * LATENT_DIM + 1] = y0 * (1 - t) + y1 * t;
  }
  return points;
}

/**
 * Decodes and classifies the walk along `waypoints`, draws each frame captioned with
 * the CNN's guess ("7 (93%)"), and writes the GIF to `file` whole or not at all.
 *
 * @throws {FileWriteError} when `file` cannot be written
 */
export async function saveWalkGif(
  file: string,
  models: WalkModels,
  waypoints: readonly (readonly [number, number])[],
  { frames: count, scale, delayMs }: WalkOptions,
): Promise<WalkSummary> {
  const points = pointsAlongPath(waypoints, count);
  const pixels = models.decode(points); // [count * 784]
  const probabilities = models.classify(pixels); // [count * 10]
  const classes = probabilities.length / count;
  const frames: WalkFrame[] = [];
  for (let k = 0; k < count; k++) {
    const row = probabilities.subarray(k * classes, (k + 1) * classes);
    let digit = 0;
    for (let d = 1; d < classes; d++) if (row[d]! > row[digit]!) digit = d;
    frames.push({ z: [points[k * LATENT_DIM]!, points[k * LATENT_DIM + 1]!], digit, probability: row[digit]! });
  }
  // Drawn one at a time as the encoder asks: 600 frames at scale 64 would not fit in memory at once.
  function* canvases() {
    for (const [k, { digit, probability }] of frames.entries()) {
      const image = pixels.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS);
      yield renderWalkFrame(image, formatGuess(digit, probability), scale);
    }
  }
  const gif = encodeGrayGif(canvases(), { delayMs });
  await writeFileAtomically(file, gif);
  const { width, height } = walkFrameLayout(scale);
  return { frames, width, height, bytes: gif.length };
}
