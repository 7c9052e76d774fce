import type { Config } from '../config.js';
import { loadMnist } from '../data/index.js';
import { encodeGrayPng } from '../data/png-digit.js';
import { writeFileAtomically } from '../files/index.js';
import { initBackend, ModelFileError } from '../ml/index.js';
import {
  coveringBox,
  DEFAULT_DISCOVERY,
  DEFAULT_MANIFOLD_SIDE,
  renderManifold,
  summariseTestSet,
} from '../ml/new-numbers/index.js';
import type { CommandOptions } from './io.js';
import { modelLabel, modelOrigins } from './model-label.js';
import { requireVae } from './saved.js';

/** Where the picture goes without --out. */
const DEFAULT_MANIFOLD_FILE = 'manifold.png';

/** Flags only `manifold` reads; absent means the default. */
export interface ManifoldFlags {
  /** Glyphs per side of the picture. */
  n?: number;
}

/**
 * `mnist-tui manifold`: an n×n grid of decoded digits over the part of the
 * latent plane the test set occupies (the same box `discover` scans), as a PNG.
 */
export async function manifoldCommand(
  config: Config,
  { io, json, out = DEFAULT_MANIFOLD_FILE, n = DEFAULT_MANIFOLD_SIDE }: CommandOptions & ManifoldFlags,
): Promise<number> {
  const backend = await initBackend(config.backend);
  const { vae, metadata } = await requireVae(config.modelsDir);
  if (vae.latentDim !== 2) {
    throw new ModelFileError(
      `${config.modelsDir}/vae: manifold needs a 2-D latent plane, this VAE has ${vae.latentDim}-D`,
    );
  }
  const { test } = await loadMnist({ dataDir: config.dataDir });
  // The prior's tails hold little data in a 2-D VAE; the test set's own box shows what the decoder learned.
  const region = coveringBox(summariseTestSet(vae, test).encodings, DEFAULT_DISCOVERY.coverage);
  const picture = renderManifold(vae, region, n);
  await writeFileAtomically(out, encodeGrayPng(picture.pixels, picture.width, picture.height));
  if (json) {
    io.out(
      JSON.stringify({
        event: 'manifold',
        backend,
        models: modelOrigins(metadata),
        out,
        n,
        region,
        width: picture.width,
        height: picture.height,
      }),
    );
    return 0;
  }
  const range = (lo: number, hi: number) => `${lo.toFixed(2)}…${hi.toFixed(2)}`;
  io.out(
    `Wrote ${out} (${picture.width}×${picture.height}): ${n}×${n} digits over x ${range(region.xMin, region.xMax)}, ` +
      `y ${range(region.yMin, region.yMax)}, backend ${backend}, ${modelLabel(metadata)}`,
  );
  return 0;
}
