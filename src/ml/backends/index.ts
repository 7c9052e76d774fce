export { loadTensorflow } from './tensorflow.js';
export { startWebGpu, stopWebGpu } from './webgpu.js';
