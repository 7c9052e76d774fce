import { loadClassifier, loadVae, type SavedClassifier, type SavedVae } from '../ml/index.js';
import { MissingModelError } from './missing-model.js';

/** The saved CNN, or a MissingModelError that says how to train it. */
export async function requireClassifier(modelsDir: string): Promise<SavedClassifier> {
  const saved = await loadClassifier(modelsDir);
  if (saved === undefined) throw new MissingModelError('cnn', modelsDir);
  return saved;
}

/** The saved VAE, or a MissingModelError that says how to train it. */
export async function requireVae(modelsDir: string): Promise<SavedVae> {
  const saved = await loadVae(modelsDir);
  if (saved === undefined) throw new MissingModelError('vae', modelsDir);
  return saved;
}
