export { createCnnGpuEngine } from './cnn-engine.js';
export { CnnGpuPass } from './cnn-pass.js';
