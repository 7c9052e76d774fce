import { IMAGE_PIXELS, unitView, type DigitSet } from '../../data/index.js';
import { encodeImages, type Vae } from '../vae.js';
import { inkMasses } from './glyph-scores.js';

/** Images encoded at a time: a few megabytes of input, however large the set. */
const ENCODE_BATCH = 1000;

/** What discovery needs to know about real digits. */
export interface TestSetSummary {
  /** [count * 2] the VAE's latent means of the test digits. */
  encodings: Float32Array;
  /** [count] each test digit's summed pixel values, pixels in [0, 1]. */
  inkMasses: Float64Array;
}

/** Encodes every test digit and weighs its ink. */
export function summariseTestSet(vae: Vae, test: DigitSet): TestSetSummary {
  const encodings = new Float32Array(test.count * vae.latentDim);
  const masses = new Float64Array(test.count);
  for (let start = 0; start < test.count; start += ENCODE_BATCH) {
    const count = Math.min(ENCODE_BATCH, test.count - start);
    const images = unitView(test, start, count); // [count * 784]
    encodings.set(encodeImages(vae, images), start * vae.latentDim);
    masses.set(inkMasses(images, IMAGE_PIXELS), start);
  }
  return { encodings, inkMasses: masses };
}
