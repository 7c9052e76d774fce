export { createCnnStep, CNN_SHAPES } from './cnn-step.js';
export { createVaeStep } from './vae-step.js';
