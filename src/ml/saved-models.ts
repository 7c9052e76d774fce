import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { architectureDifference, architectureOf } from './architecture.js';
import { createClassifier } from './cnn.js';
import type { ModelName } from '../config.js';
import { loadModelSet, ModelFileError, type ModelMetadata } from './model-store.js';
import { isInsidePretrained, PRETRAINED_DIR, type PretrainedUse } from './pretrained.js';
import { createVae, type Vae } from './vae.js';

/** A loaded CNN; its metadata's `origin` says whether it was trained here or shipped. */
export interface SavedClassifier {
  model: tfl.LayersModel;
  metadata: ModelMetadata;
}

/** A loaded VAE; its metadata's `origin` says whether it was trained here or shipped. */
export interface SavedVae {
  vae: Vae;
  metadata: ModelMetadata;
}

/** The only latent size this program trains, and the one the explorer and `generate` need. */
const LATENT_DIM = 2;

/** Each saved part's build as this program makes it, computed on first load. */
let expected: { cnn: string[]; encoder: string[]; decoder: string[] } | undefined;

function expectedArchitectures(): NonNullable<typeof expected> {
  if (expected === undefined) {
    const cnn = createClassifier(0);
    const { encoder, decoder } = createVae({ latentDim: LATENT_DIM, seed: 0 });
    expected = { cnn: architectureOf(cnn), encoder: architectureOf(encoder), decoder: architectureOf(decoder) };
    [cnn, encoder, decoder].forEach((model) => model.dispose());
  }
  return expected;
}

/**
 * Throws a one-line ModelFileError, after disposing all `parts`, when one of them is not
 * built as this program builds it (a VAE decoder saved under `cnn/`, say).
 */
function checkParts(dir: string, parts: Record<string, tfl.LayersModel>, builds: Record<string, string[]>): void {
  for (const [part, model] of Object.entries(parts)) {
    const difference = architectureDifference(architectureOf(model), builds[part]!);
    if (difference !== undefined) {
      Object.values(parts).forEach((m) => m.dispose());
      throw new ModelFileError(
        `${path.join(dir, part, 'model.json')}: not the ${path.basename(dir)} architecture: ${difference}`,
      );
    }
  }
}

/**
 * The copy of `name` that `pretrained` points to: the models folder's, else (with `fallback`)
 * the shipped one, or (with `only`) the shipped one alone; undefined when there is none. Its
 * metadata says where it came from. A damaged copy in the models folder is refused, never
 * passed over for the shipped one: the user should hear that what they trained is unusable.
 */
async function loadEither<P extends string>(
  modelsDir: string,
  name: ModelName,
  partNames: readonly P[],
  pretrained: PretrainedUse,
) {
  if (pretrained !== 'only') {
    const saved = await loadModelSet(modelsDir, name, partNames);
    // The shipped folder named as the models folder still holds the shipped models.
    const origin = isInsidePretrained(modelsDir) ? ('pretrained' as const) : ('trained' as const);
    if (saved !== undefined) return { ...saved, metadata: { ...saved.metadata, origin } };
  }
  if (pretrained === 'never') return undefined;
  const shipped = await loadModelSet(PRETRAINED_DIR, name, partNames);
  return shipped && { ...shipped, metadata: { ...shipped.metadata, origin: 'pretrained' as const } };
}

/** The CNN trained into `modelsDir`, or the shipped one as `pretrained` allows; undefined when there is none. */
export async function loadClassifier(
  modelsDir: string,
  pretrained: PretrainedUse = 'never',
): Promise<SavedClassifier | undefined> {
  const saved = await loadEither(modelsDir, 'cnn', ['model'], pretrained);
  if (saved === undefined) return undefined;
  checkParts(saved.dir, saved.parts, { model: expectedArchitectures().cnn });
  return { model: saved.parts.model, metadata: saved.metadata };
}

/** The VAE trained into `modelsDir`, or the shipped one as `pretrained` allows; undefined when there is none. */
export async function loadVae(modelsDir: string, pretrained: PretrainedUse = 'never'): Promise<SavedVae | undefined> {
  const saved = await loadEither(modelsDir, 'vae', ['encoder', 'decoder'], pretrained);
  if (saved === undefined) return undefined;
  const { encoder, decoder } = expectedArchitectures();
  checkParts(saved.dir, saved.parts, { encoder, decoder });
  return { vae: { ...saved.parts, latentDim: LATENT_DIM }, metadata: saved.metadata };
}
