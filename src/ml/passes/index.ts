export { createCnnStep } from './cnn-step.js';
export { createVaeStep } from './vae-step.js';
