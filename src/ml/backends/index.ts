export { loadTensorflow } from './tensorflow.js';
export { startWebGpu, stopWebGpu, startedWebGpu } from './webgpu.js';
export { adapterName, softwareReason, type AdapterIdentity } from './adapter-kind.js';
export { chooseAuto, GPU_MARGIN } from './auto-choice.js';
export { autoGpuChoice } from './auto-gpu.js';
