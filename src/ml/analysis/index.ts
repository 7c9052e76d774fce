/**
 * What a trained model gets right and wrong on the test set, for the Models
 * view: the CNN's confusion matrix, per-digit accuracy and surest mistakes;
 * the VAE's −ELBO split into reconstruction and KL, and reconstructions.
 * No React or Ink here; the app's background work calls in.
 */
export { analyseClassifier, type ClassifierInsight } from './classifier-insight.js';
export { classifierInsight } from './classifier-run.js';
export { vaeInsight, exampleIndices, type VaeInsight } from './vae-insight.js';
