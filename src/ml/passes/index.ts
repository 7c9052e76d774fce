export { createCnnStep, type CnnStep } from './cnn-step.js';
export { createVaeStep, type VaeStep } from './vae-step.js';
