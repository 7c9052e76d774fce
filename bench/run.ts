/**
 * `npm run bench`: training and inference images/s for the CNN and the VAE on every
 * available backend, beside PyTorch on the same data, batch size and cores when it is
 * installed. `-- --json` prints one object; `-- --time-to-accuracy` trains the CNN until
 * 99.0% test accuracy and reports the wall time and memory; `-- --augment off` times the CNN
 * on the plain recipe rather than on the shifted images `train cnn` uses by default.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { parseAugment, parseBackend } from '../src/commands/flags.js';
import { loadMnist } from '../src/data/index.js';
import { findTorchPython, runTorchReference, type TorchResult } from './pytorch.js';
import { measureInference, measureTraining } from './throughput.js';
import { timeToAccuracy } from './time-to-accuracy.js';

const { values: flags } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '10' },
    workers: { type: 'string', default: String(availableParallelism()) },
    'batch-size': { type: 'string', default: '128' },
    'data-dir': { type: 'string' },
    backends: { type: 'string', default: 'wasm,cpu' },
    'time-to-accuracy': { type: 'boolean', default: false },
    epochs: { type: 'string', default: '2' },
    augment: { type: 'string', default: 'auto' },
  },
});
const augment = parseAugment(flags.augment);
const seconds = Number(flags.seconds);
const workers = Number(flags.workers);
const batchSize = Number(flags['batch-size']);
const say = (line: string) => !flags.json && process.stderr.write(line + '\n');

interface Row {
  engine: string;
  model: 'cnn' | 'vae';
  trainImagesPerSecond: number;
  inferImagesPerSecond: number;
}

const data = await loadMnist({ dataDir: flags['data-dir'] });

if (flags['time-to-accuracy']) {
  say(`Training the CNN with ${workers} workers until 99.0% test accuracy (checked every 50 steps)...`);
  const run = await timeToAccuracy(data, {
    target: 0.99,
    epochs: Number(flags.epochs),
    workers,
    batchSize,
    evalEvery: 50,
  });
  console.log(flags.json ? JSON.stringify(run) : JSON.stringify(run, null, 2));
  process.exit(0);
}

const rows: Row[] = [];
for (const backend of flags.backends.split(',').map(parseBackend)) {
  const engines = backend === 'wasm' ? [workers, 1] : [1];
  for (const threads of [...new Set(engines)]) {
    for (const model of ['cnn', 'vae'] as const) {
      say(`${backend} ×${threads} ${model}...`);
      // The reference cpu backend takes about a minute per CNN step: one timed step is enough.
      const budget = backend === 'cpu' ? 0 : seconds;
      const warmup = backend === 'cpu' ? 0 : undefined;
      const train = await measureTraining(data, model, {
        backend,
        workers: threads,
        batchSize,
        seconds: budget,
        warmup,
        augment,
      });
      const infer =
        threads === 1
          ? await measureInference(data, model, { backend, batchSize, seconds: Math.max(budget, 1) })
          : undefined;
      rows.push({
        engine: `${backend === 'wasm' ? 'tfjs wasm + mnist-tui hand-written training pass' : `tfjs ${backend}`}, ${threads} thread(s)`,
        model,
        trainImagesPerSecond: train.imagesPerSecond,
        inferImagesPerSecond: infer?.imagesPerSecond ?? NaN,
      });
    }
  }
}

const python = await findTorchPython();
let torch: TorchResult | undefined;
if (python) {
  say(`PyTorch (${python})...`);
  torch = await runTorchReference(python, { dataDir: flags['data-dir'], batchSize, seconds, threads: workers });
} else say('PyTorch not found (apt-get install python3-torch): no reference column.');

const ratio = (ours: number, theirs: number | undefined) =>
  theirs && Number.isFinite(ours) ? Math.round((ours / theirs) * 100) / 100 : undefined;
const table = rows.map((row) => ({
  ...row,
  trainVsPytorch: ratio(row.trainImagesPerSecond, torch?.[row.model].trainImagesPerSecond),
  inferVsPytorch: ratio(row.inferImagesPerSecond, torch?.[row.model].inferImagesPerSecond),
}));

if (flags.json) {
  console.log(JSON.stringify({ batchSize, workers, seconds, node: process.version, rows: table, torch }));
} else {
  const fmt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(n < 10 ? 2 : 0));
  console.log(`| engine | model | train img/s | infer img/s | train ×PyTorch | infer ×PyTorch |`);
  console.log(`|---|---|---:|---:|---:|---:|`);
  for (const r of table) {
    console.log(
      `| ${r.engine} | ${r.model} | ${fmt(r.trainImagesPerSecond)} | ${fmt(r.inferImagesPerSecond)} | ` +
        `${fmt(r.trainVsPytorch)} | ${fmt(r.inferVsPytorch)} |`,
    );
  }
  if (torch) {
    for (const model of ['cnn', 'vae'] as const) {
      const t = torch[model];
      console.log(
        `| PyTorch ${torch.torch}, ${torch.threads} thread(s) | ${model} | ${fmt(t.trainImagesPerSecond)} | ` +
          `${fmt(t.inferImagesPerSecond)} | 1 | 1 |`,
      );
    }
  }
}
