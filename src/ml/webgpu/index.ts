export { createCnnGpuEngine } from './cnn-engine.js';
export { CnnGpuPass, type StepLoss } from './cnn-pass.js';
