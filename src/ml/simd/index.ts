export { heapOffset, simdKernels } from './on-backend.js';
