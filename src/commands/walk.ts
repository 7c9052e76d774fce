import type { Config } from '../config.js';
import { normaliseUnit } from '../data/index.js';
import { classifyImages, decodePoints, initBackend, ModelFileError, saveWalkGif } from '../ml/index.js';
import { DEFAULT_WALK_DELAY_MS, DEFAULT_WALK_FRAMES } from '../ml/walk-config.js';
import { UsageError } from './flags.js';
import type { CommandOptions } from './io.js';
import { requireClassifier, requireVae } from './saved.js';

/** Flags only `walk` reads; absent means the default. */
export interface WalkFlags {
  from?: [number, number];
  to?: [number, number];
  /** Points passed on the way, in order. */
  through?: [number, number][];
  frames?: number;
  /** Milliseconds per frame. */
  delay?: number;
}

/**
 * `mnist-tui walk --from X,Y --to X,Y --out FILE.gif`: an animated GIF of the digits
 * decoded along a path through the latent plane, each captioned with the CNN's guess.
 */
export async function walkCommand(
  config: Config,
  {
    io,
    json,
    out,
    scale,
    from,
    to,
    through = [],
    frames = DEFAULT_WALK_FRAMES,
    delay = DEFAULT_WALK_DELAY_MS,
  }: CommandOptions & WalkFlags,
): Promise<number> {
  if (from === undefined || to === undefined) throw new UsageError('walk needs --from X,Y and --to X,Y');
  if (out === undefined) throw new UsageError('walk needs --out FILE.gif');
  // The file is a GIF whatever its name; a name that says otherwise would mislead whoever opens it.
  if (!out.toLowerCase().endsWith('.gif')) throw new UsageError(`--out must name a .gif file, got "${out}"`);
  const backend = await initBackend(config.backend);
  const { vae } = await requireVae(config.modelsDir);
  if (vae.latentDim !== 2) {
    throw new ModelFileError(`${config.modelsDir}/vae: walk needs a 2-D latent plane, this VAE has ${vae.latentDim}-D`);
  }
  const { model } = await requireClassifier(config.modelsDir);
  const waypoints = [from, ...through, to];
  const walk = await saveWalkGif(
    out,
    {
      decode: (points) => decodePoints(vae, points),
      classify: (pixels) => classifyImages(model, normaliseUnit(pixels)),
    },
    waypoints,
    { frames, scale, delayMs: delay },
  );
  if (json) {
    const { width, height, bytes, frames: captions } = walk;
    io.out(JSON.stringify({ event: 'walk', backend, out, frames, width, height, delay, bytes, waypoints, captions }));
    return 0;
  }
  const digits = walk.frames.map((f) => f.digit);
  const changes = digits.filter((d, i) => i === 0 || d !== digits[i - 1]).join('→');
  io.out(
    `Wrote ${out} (${frames} frames of ${walk.width}×${walk.height}, ${walk.bytes} bytes): ${changes}, backend ${backend}`,
  );
  return 0;
}
