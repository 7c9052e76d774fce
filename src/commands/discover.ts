import type { Config } from '../config.js';
import { IMAGE_PIXELS, loadMnist } from '../data/index.js';
import { encodeGrayPng } from '../data/png-digit.js';
import { writeFileAtomically } from '../files/index.js';
import { formatLatentPoint, renderGlyphSheet } from '../images/index.js';
import { decodePoints, initBackend, ModelFileError, type Vae } from '../ml/index.js';
import {
  DEFAULT_GRID_SIDE,
  DEFAULT_TOP,
  discoverNewNumbers,
  summariseTestSet,
  type Discovery,
  type NewNumberCandidate,
} from '../ml/new-numbers/index.js';
import type { CommandIo, CommandOptions } from './io.js';
import { modelLabel, modelOrigins } from './model-label.js';
import { requireClassifier, requireVae } from './saved.js';

/** Flags only `discover` reads; absent means the default. */
export interface DiscoverFlags {
  /** Candidates to list. */
  top?: number;
  /** Points per side of the scanned grid. */
  grid?: number;
}

/**
 * `mnist-tui discover`: scans the VAE's latent plane for glyphs the CNN cannot
 * name, lists the best distinct ones and, with --out, draws them on a PNG sheet.
 */
export async function discoverCommand(
  config: Config,
  { io, json, out, top = DEFAULT_TOP, grid = DEFAULT_GRID_SIDE }: CommandOptions & DiscoverFlags,
): Promise<number> {
  const backend = await initBackend(config.backend);
  const { vae, metadata: vaeMetadata } = await requireVae(config.modelsDir);
  if (vae.latentDim !== 2) {
    throw new ModelFileError(
      `${config.modelsDir}/vae: discover needs a 2-D latent plane, this VAE has ${vae.latentDim}-D`,
    );
  }
  const { model: classifier, metadata: cnnMetadata } = await requireClassifier(config.modelsDir);
  const { test } = await loadMnist({ dataDir: config.dataDir });
  const discovery = await discoverNewNumbers({ vae, classifier }, summariseTestSet(vae, test), {
    gridSide: grid,
    top,
    seed: config.seed,
    onProgress: (done, total) => io.status(`\r\x1b[2Kdiscover: ${done}/${total} points decoded and classified`),
  });
  if (io.isTTY) io.status('\r\x1b[2K');
  const { candidates } = discovery;
  const sheet = out !== undefined && candidates.length > 0 ? await writeSheet(out, vae, candidates) : undefined;
  if (json) {
    const models = modelOrigins(cnnMetadata, vaeMetadata);
    io.out(
      JSON.stringify({
        event: 'discover',
        backend,
        models,
        seed: config.seed,
        ...discovery,
        ...(sheet ? { out } : {}),
      }),
    );
    return 0;
  }
  report(io, discovery, backend, `${modelLabel(vaeMetadata)}, ${modelLabel(cnnMetadata)}`);
  if (sheet) io.out(`Wrote ${out} (${sheet.width}×${sheet.height}), ${candidates.length} glyph(s)`);
  else if (out !== undefined) io.out(`No candidates, so no sheet was written to ${out}`);
  return 0;
}

/** Decodes the candidates again and writes them as a captioned PNG sheet. */
async function writeSheet(out: string, vae: Vae, candidates: NewNumberCandidate[]) {
  const pixels = decodePoints(vae, Float32Array.from(candidates.flatMap((c) => c.z))); // [count * 784]
  const sheet = renderGlyphSheet(
    candidates.map((c, i) => ({
      pixels: pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS),
      caption: formatLatentPoint(c.z),
    })),
  );
  await writeFileAtomically(out, encodeGrayPng(sheet.pixels, sheet.width, sheet.height));
  return sheet;
}

function report(
  io: CommandIo,
  { region, regionShare, gridSide, thresholds: t, counts, candidates }: Discovery,
  backend: string,
  models: string,
) {
  const range = (lo: number, hi: number) => `${lo.toFixed(2)}…${hi.toFixed(2)}`;
  const percent = (p: number) => `${(p * 100).toFixed(0)}%`;
  io.out(
    `Scanned ${gridSide}×${gridSide} points over x ${range(region.xMin, region.xMax)}, ` +
      `y ${range(region.yMin, region.yMax)} (${(regionShare * 100).toFixed(1)}% of test encodings), backend ${backend}, ${models}`,
  );
  io.out(
    `Thresholds: CNN top < ${t.maxTopProbability}; ≥ ${percent(t.minDecisiveShare)} of pixels within ` +
      `${t.decisiveMargin} of 0 or 1; ink ${range(...t.inkRange)}; drift ≤ ${t.maxDrift.toFixed(3)}; ` +
      `apart ≥ ${t.minSeparation.toFixed(2)}`,
  );
  io.out(
    `Passed: unnameable ${counts.unnameable}, decisive ${counts.decisive}, typical ink ${counts.typicalInk}, ` +
      `stable ${counts.stable}; all ${counts.passing} of ${counts.points}; ${candidates.length} distinct`,
  );
  if (candidates.length === 0) return;
  io.out('');
  io.out(' #  z                CNN top two       decisive   ink    drift  score');
  candidates.forEach((c, i) => {
    const [first, second] = c.guesses;
    io.out(
      `${String(i + 1).padStart(2)}  ${formatLatentPoint(c.z).padEnd(15)}  ` +
        `${first.digit} ${percent(first.probability).padStart(3)}  ${second.digit} ${percent(second.probability).padStart(3)}` +
        `     ${percent(c.decisiveShare).padStart(4)}  ${c.inkMass.toFixed(1).padStart(6)}  ${c.drift.toFixed(3)}  ${c.score.toFixed(3)}`,
    );
  });
}
