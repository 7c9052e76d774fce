export { type EngineOptions, type TrainEngine } from './engine.js';
export { createLocalEngine } from './local-engine.js';
export { createWorkerEngine } from './worker-engine.js';
