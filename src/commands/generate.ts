import type { Config } from '../config.js';
import { IMAGE_SIDE } from '../data/index.js';
import { encodeGrayPng } from '../data/png-digit.js';
import { writeFileAtomically } from '../files/index.js';
import { decodePoints, initBackend } from '../ml/index.js';
import { colourDepth, renderAscii, renderHalfBlocks } from '../render/index.js';
import { UsageError } from './flags.js';
import type { CommandOptions } from './io.js';
import { modelLabel, modelOrigins } from './model-label.js';
import { requireVae } from './saved.js';

/** `mnist-tui generate --z X,Y`: one decoded latent point, as a PNG or drawn in the terminal. */
export async function generateCommand(config: Config, { io, json, z, out, scale }: CommandOptions): Promise<number> {
  if (z === undefined) throw new UsageError('generate needs --z X,Y');
  const backend = await initBackend(config.backend);
  const { vae, metadata } = await requireVae(config.modelsDir);
  if (vae.latentDim !== 2) throw new UsageError(`the saved VAE has a ${vae.latentDim}-D latent space; --z gives 2`);
  const pixels = decodePoints(vae, Float32Array.from(z)); // [784]
  if (out !== undefined) {
    await writeFileAtomically(out, encodeGrayPng(pixels, IMAGE_SIDE, IMAGE_SIDE, scale));
  }
  if (json) {
    const models = modelOrigins(metadata);
    io.out(
      JSON.stringify({ event: 'generate', backend, z, models, ...(out ? { out } : { pixels: Array.from(pixels) }) }),
    );
    return 0;
  }
  if (out !== undefined) {
    const size = `${IMAGE_SIDE * scale}×${IMAGE_SIDE * scale}`;
    io.out(`Wrote ${out} (${size}) for z = (${z.join(', ')}), backend ${backend}, ${modelLabel(metadata)}`);
    return 0;
  }
  const image = { width: IMAGE_SIDE, height: IMAGE_SIDE, pixels };
  // NO_COLOR counts only when non-empty, as no-color.org asks.
  const plain = Boolean(process.env.NO_COLOR) || process.env.TERM === 'dumb';
  const lines = plain ? renderAscii(image) : renderHalfBlocks(image, { colour: colourDepth(process.env) });
  lines.forEach((line) => io.out(line));
  io.err(`z = (${z.join(', ')}), backend ${backend}, ${modelLabel(metadata)}`);
  return 0;
}
