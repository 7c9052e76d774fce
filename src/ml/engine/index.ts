export { type TrainEngine, type EngineOptions } from './engine.js';
export { createLocalEngine } from './local-engine.js';
export { createWorkerEngine } from './worker-engine.js';
