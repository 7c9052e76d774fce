/**
 * `node dist/bench/insight.js [--models-dir D]`: how long the Models view's insight takes
 * over the full test set, and its longest slice, which is how long a key can wait for it
 * (the app runs it on its UI thread). Without saved models it first trains each for one
 * epoch on 1,024 images into a temporary folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadMnist } from '../src/data/index.js';
import { classifierInsight, vaeInsight } from '../src/ml/analysis/index.js';
import { initBackend, loadClassifier, loadVae, trainModel } from '../src/ml/index.js';

const { values: flags } = parseArgs({ options: { 'models-dir': { type: 'string' } } });
await initBackend('wasm');
const data = await loadMnist({});
let modelsDir = flags['models-dir'];
if (modelsDir === undefined) {
  modelsDir = mkdtempSync(path.join(tmpdir(), 'mnist-tui-bench-insight-'));
  const small = await loadMnist({ limit: 1024 });
  for (const model of ['cnn', 'vae'] as const) {
    await trainModel(small, {
      model,
      epochs: 1,
      batchSize: 128,
      seed: 1,
      modelsDir,
      workers: 1,
      backend: 'wasm',
      onEvent: () => {},
    });
  }
}
const cnn = await loadClassifier(modelsDir);
const vae = await loadVae(modelsDir);
if (cnn === undefined || vae === undefined) throw new Error(`${modelsDir} needs both a CNN and a VAE`);

/** Runs `analyse` twice (the first warms the kernels up) and reports the second. */
async function measure(name: string, analyse: (onSlice: () => void) => Promise<unknown>): Promise<void> {
  for (const run of ['warm-up', 'measured']) {
    const slices: number[] = [];
    let last = performance.now();
    const start = last;
    await analyse(() => {
      const now = performance.now();
      slices.push(now - last);
      last = now;
    });
    if (run === 'warm-up') continue;
    slices.sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `${name}: ${ms(performance.now() - start)} for ${data.test.count} images in ${slices.length} slices; ` +
        `slice p50 ${ms(slices[slices.length >> 1]!)}, max ${ms(slices.at(-1)!)}`,
    );
  }
}

await measure('CNN insight', (onSlice) => classifierInsight(cnn.model, data.test, { top: 12, onSlice }));
await measure('VAE insight', (onSlice) =>
  vaeInsight(vae.vae, data.test, { seed: vae.metadata.seed, examples: 10, onSlice }),
);
