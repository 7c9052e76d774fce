import { UserFacingError } from '../errors.js';

/** A command needs a model that has not been trained yet. */
export class MissingModelError extends UserFacingError {
  override name = 'MissingModelError';

  constructor(model: 'cnn' | 'vae', modelsDir: string) {
    super(`no trained ${model.toUpperCase()} in ${modelsDir}; run: mnist-tui train ${model}`);
  }
}
