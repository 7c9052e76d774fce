/**
 * Writes the test-set encodings the shipped VAE comes with (see src/ml/pretrained.ts): the
 * latent means of the bundled MNIST test set, in its order, as the app's latent map shows
 * them. scripts/train-pretrained.sh runs it on each new VAE; test/pretrained-encodings.test.ts
 * checks that the shipped file matches its VAE.
 *
 * Usage: node scripts/pretrained-encodings.mjs VAE_DIR   (a models folder's vae/, after a build)
 */
import path from 'node:path';
import { loadMnist } from '../dist/src/data/index.js';
import { initBackend, loadVae } from '../dist/src/ml/index.js';
import { summariseTestSet } from '../dist/src/ml/new-numbers/index.js';
import { writeTestEncodings } from '../dist/src/ml/pretrained.js';

const vaeDir = process.argv[2];
if (vaeDir === undefined) {
  console.error('usage: node scripts/pretrained-encodings.mjs VAE_DIR');
  process.exit(2);
}
// The backend the app uses on a machine without a GPU.
await initBackend('wasm');
const saved = await loadVae(path.dirname(path.resolve(vaeDir)));
if (saved === undefined) {
  console.error(`${vaeDir}: no VAE here`);
  process.exit(1);
}
const { test } = await loadMnist({});
const { encodings } = summariseTestSet(saved.vae, test);
await writeTestEncodings(vaeDir, encodings);
console.log(`${vaeDir}: encodings of ${test.count} test images written`);
