/**
 * The app's work off the screen: the services it needs from the
 * machine-learning side (`AppServices`, and `createMlServices` for the real
 * ones), and the runners that train, encode the test set and search for new
 * numbers in the background, reporting to the store.
 */
export { createMlServices } from './ml-services.js';
export type { AppServices, ClassifierHandle, VaeHandle, ScanOptions, ScanProgress } from './services.js';
export { createTrainingRunner } from './training-runner.js';
export { createNewNumbersRunner, TUI_GRID_SIDE } from './new-numbers-runner.js';
export { encodeTestSet } from './encode-test-set.js';
export { createCertaintyRunner } from './certainty-runner.js';
