import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { architectureDifference, architectureOf } from './architecture.js';
import { createClassifier } from './cnn.js';
import { loadModelSet, ModelFileError, type ModelMetadata } from './model-store.js';
import { createVae, type Vae } from './vae.js';

export interface SavedClassifier {
  model: tfl.LayersModel;
  metadata: ModelMetadata;
}

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

/** The trained CNN in `modelsDir`, or undefined when none has been saved yet. */
export async function loadClassifier(modelsDir: string): Promise<SavedClassifier | undefined> {
  const saved = await loadModelSet(modelsDir, 'cnn', ['model']);
  if (saved === undefined) return undefined;
  checkParts(saved.dir, saved.parts, { model: expectedArchitectures().cnn });
  return { model: saved.parts.model, metadata: saved.metadata };
}

/** The trained VAE in `modelsDir`, or undefined when none has been saved yet. */
export async function loadVae(modelsDir: string): Promise<SavedVae | undefined> {
  const saved = await loadModelSet(modelsDir, 'vae', ['encoder', 'decoder']);
  if (saved === undefined) return undefined;
  const { encoder, decoder } = expectedArchitectures();
  checkParts(saved.dir, saved.parts, { encoder, decoder });
  return { vae: { ...saved.parts, latentDim: LATENT_DIM }, metadata: saved.metadata };
}
