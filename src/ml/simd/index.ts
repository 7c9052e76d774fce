export type { GemmKernels } from './gemm.js';
export type { LayerKernels } from './layers.js';
export { heapOffset, simdKernels, type SimdKernels } from './on-backend.js';
