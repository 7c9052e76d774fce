export { initBackend, releaseBackend } from './backend.js';
export { createClassifier, classifierLoss } from './cnn.js';
export { createVae, vaeLoss, vaeLossParts, decodePoints, encodeImages, type Vae } from './vae.js';
export { FlatAdam } from './adam.js';
export { createStepper } from './stepper.js';
export { createTask } from './tasks.js';
export { classifyImages, evaluateClassifier, evaluateVae, type TestMetrics } from './evaluate.js';
export { vaeImportanceBound } from './importance.js';
export { trainModel, TrainingError } from './train.js';
export type { TrainEvent } from './events.js';
export { saveModelSet, ModelFileError, type ModelMetadata } from './model-store.js';
export { acquireModelsLock, ModelsDirError } from './models-lock.js';
export { loadClassifier, loadVae, type SavedClassifier, type SavedVae } from './saved-models.js';
export {
  pretrainedUse,
  readShippedTestEncodings,
  NO_PRETRAINED_ENV_VAR,
  PRETRAINED_DIR,
  type ModelOrigin,
  type PretrainedUse,
} from './pretrained.js';
export { startTraining, type TrainingSession, type SessionOptions } from './training-session.js';
export { pointsAlongPath, saveWalkGif, type WalkOptions, type WalkSummary } from './latent-walk.js';
