/**
 * How the commands name the models they used, so every output says whether a model was
 * trained here or is the shipped pretrained one, and what it scored.
 */
import type { ModelName } from '../config.js';
import type { ModelMetadata, ModelOrigin } from '../ml/index.js';

/** A loaded model's origin; metadata not loaded from disk counts as trained here. */
function originOf(metadata: ModelMetadata): ModelOrigin {
  return metadata.origin ?? 'trained';
}

/** `CNN (pretrained, 99.47%)` or `VAE (trained, 149.10 nats)`: a model, its origin and its saved test metric. */
export function modelLabel(metadata: ModelMetadata): string {
  const { testAccuracy, testNegElbo } = metadata.metrics;
  const score =
    metadata.model === 'cnn'
      ? `${((testAccuracy ?? NaN) * 100).toFixed(2)}%`
      : `${(testNegElbo ?? NaN).toFixed(2)} nats`;
  return `${metadata.model.toUpperCase()} (${originOf(metadata)}, ${score})`;
}

/** The origins of the models a command used, for its JSON event: `{ "vae": "pretrained" }`. */
export function modelOrigins(...used: ModelMetadata[]): Partial<Record<ModelName, ModelOrigin>> {
  return Object.fromEntries(used.map((metadata) => [metadata.model, originOf(metadata)]));
}
