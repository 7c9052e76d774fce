import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModelSet, ModelFileError, type ModelMetadata } from './model-store.js';
import type { Vae } from './vae.js';

export interface SavedClassifier {
  model: tfl.LayersModel;
  metadata: ModelMetadata;
}

export interface SavedVae {
  vae: Vae;
  metadata: ModelMetadata;
}

/** The trained CNN in `modelsDir`, or undefined when none has been saved yet. */
export async function loadClassifier(modelsDir: string): Promise<SavedClassifier | undefined> {
  const saved = await loadModelSet(modelsDir, 'cnn', ['model']);
  return saved && { model: saved.parts.model, metadata: saved.metadata };
}

/** The trained VAE in `modelsDir`, or undefined when none has been saved yet. */
export async function loadVae(modelsDir: string): Promise<SavedVae | undefined> {
  const saved = await loadModelSet(modelsDir, 'vae', ['encoder', 'decoder']);
  if (saved === undefined) return undefined;
  const { encoder, decoder } = saved.parts;
  const latentDim = decoder.inputs[0].shape[1];
  if (typeof latentDim !== 'number') throw new ModelFileError(`${modelsDir}/vae: decoder has no fixed latent size`);
  return { vae: { encoder, decoder, latentDim }, metadata: saved.metadata };
}
