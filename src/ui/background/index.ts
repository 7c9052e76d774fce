/**
 * The app's work off the screen: the services it needs from the
 * machine-learning side (`AppServices`, and `createMlServices` for the real
 * ones), the runners that train, encode the test set, search for new numbers
 * and work out the Models view's insight in the background, reporting to the
 * store, and the recorder that saves the explorer cursor's path as a GIF.
 */
export { createMlServices } from './ml-services.js';
export type { AppServices, ClassifierHandle, VaeHandle, ScanOptions, ScanProgress } from './services.js';
export { createTrainingRunner } from './training-runner.js';
export { createNewNumbersRunner, TUI_GRID_SIDE } from './new-numbers-runner.js';
export { encodeTestSet } from './encode-test-set.js';
export { createWalkRecorder } from './walk-recorder.js';
export { createInsightRunner } from './insight-runner.js';
export { createCertaintyRunner } from './certainty-runner.js';
