import { loadClassifier, loadVae, pretrainedUse, type SavedClassifier, type SavedVae } from '../ml/index.js';
import { MissingModelError } from './missing-model.js';

/** The CNN trained into `modelsDir`, else the shipped one (unless turned off), else a MissingModelError that says how to train it. */
export async function requireClassifier(modelsDir: string): Promise<SavedClassifier> {
  const saved = await loadClassifier(modelsDir, pretrainedUse(process.env));
  if (saved === undefined) throw new MissingModelError('cnn', modelsDir);
  return saved;
}

/** The VAE trained into `modelsDir`, else the shipped one (unless turned off), else a MissingModelError that says how to train it. */
export async function requireVae(modelsDir: string): Promise<SavedVae> {
  const saved = await loadVae(modelsDir, pretrainedUse(process.env));
  if (saved === undefined) throw new MissingModelError('vae', modelsDir);
  return saved;
}
