/**
 * gpu-check: proves the WebGPU backend on a GPU host. It compares the WebGPU kernels' gradients
 * with the cpu backend's on random shapes, trains the CNN for one epoch in this thread (webgpu
 * there is the hand-written WGSL pass that `train cnn --backend webgpu` runs; wasm is the local
 * engine), then once with each of the app's worker engines (tfjs's webgpu in one worker thread,
 * wasm in several), all through `trainModel`, the app's own loop, and prints their images/s side
 * by side. Bundled into one file by bundle.sh and run by scripts/gpu-check.sh, which sets up
 * Vulkan first. Exit code 0 only if every check passed; the last line says which.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs-backend-cpu';
import { loadMnist, type Mnist } from '../../src/data/index.js';
import { initBackend } from '../../src/ml/backend.js';
import { adapterName, softwareReason, startWebGpu, stopWebGpu } from '../../src/ml/backends/index.js';
import { trainModel } from '../../src/ml/train.js';
import { gradientCases } from '../../test/helpers/gradient-cases.js';
import { checkGradients, GRADIENT_TOLERANCE } from '../../test/helpers/gradient-check.js';

/** What one epoch of the CNN measured. */
interface EpochResult {
  images: number;
  /** Training steps only, as the app's epoch event counts them. */
  imagesPerSecond: number;
  /** Mean training loss over the epoch. */
  loss: number;
  testAccuracy: number;
}

/** What the run measured, also written as JSON with --report. */
interface Report {
  adapter?: string;
  gradients: { label: string; error: number; ok: boolean }[];
  epochs: Record<string, EpochResult & { how: string }>;
  failures: string[];
}

/**
 * How far apart (relative) the two engines' epoch losses may end: the same batches and
 * initial weights, but float sums in a different order, compounded over the epoch's steps.
 */
const ENGINE_LOSS_DRIFT = 1e-2;

const { values: flags } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    limit: { type: 'string' },
    cases: { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '128' },
    workers: { type: 'string', default: String(availableParallelism()) },
    seed: { type: 'string', default: '42' },
    report: { type: 'string' },
  },
});

const say = (line: string) => process.stdout.write(line + '\n');
const started = performance.now();
const seed = Number(flags.seed);
const batchSize = Number(flags['batch-size']);
const report: Report = { gradients: [], epochs: {}, failures: [] };

try {
  await run();
} catch (error) {
  report.failures.push(error instanceof Error ? error.message.split('\n')[0] : String(error));
} finally {
  stopWebGpu();
}
if (flags.report !== undefined) writeFileSync(flags.report, JSON.stringify(report, null, 2) + '\n');
for (const failure of report.failures) say(`FAIL ${failure}`);
say(
  `gpu-check: ${report.failures.length === 0 ? 'PASS' : 'FAIL'} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exitCode = report.failures.length === 0 ? 0 : 1;

async function run(): Promise<void> {
  const adapter = await startWebGpu();
  const software = softwareReason(adapter);
  report.adapter = `${adapterName(adapter)}${software === undefined ? '' : ` (software: ${software})`}`;
  say(`webgpu adapter: ${report.adapter}`);
  await initBackend('wasm');

  const cases = gradientCases(Number(flags.cases), seed);
  say(`gradients: ${cases.length} cases, webgpu against cpu, relative error <= ${GRADIENT_TOLERANCE}`);
  report.gradients = await checkGradients(cases, 'webgpu', 'cpu');
  for (const r of report.gradients) say(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.error.toExponential(2)}  ${r.label}`);
  const bad = report.gradients.filter((r) => !r.ok).length;
  if (bad > 0) report.failures.push(`${bad} of ${cases.length} gradient cases exceed ${GRADIENT_TOLERANCE}`);

  const data = await loadMnist({
    dataDir: flags['data-dir'],
    limit: flags.limit === undefined ? undefined : Number(flags.limit),
  });
  say(`one CNN epoch on ${data.train.count} images, batch ${batchSize}:`);
  await epoch(data, 'webgpu', 'local', 1);
  await epoch(data, 'wasm', 'local', 1);
  // This thread is done with the GPU; the app's engines run in worker threads of their own.
  stopWebGpu();
  await epoch(data, 'webgpu', 'threads', 1);
  await epoch(data, 'wasm', 'threads', Number(flags.workers));
  for (const name of ['webgpu', 'webgpu-engine']) {
    const drift = Math.abs(report.epochs[name].loss - report.epochs['wasm-engine'].loss);
    if (!(drift <= ENGINE_LOSS_DRIFT * report.epochs['wasm-engine'].loss)) {
      report.failures.push(`${report.epochs[name].how} and the wasm engine end the epoch with losses ${drift} apart`);
    }
  }
}

/**
 * One CNN epoch as users train it, on `backend`: in this thread (`local`, where webgpu trains
 * through the hand-written WGSL pass), or in the app's worker engine.
 */
async function epoch(
  data: Mnist,
  backend: 'webgpu' | 'wasm',
  engine: 'local' | 'threads',
  workers: number,
): Promise<void> {
  const how =
    engine === 'local'
      ? backend === 'webgpu'
        ? 'webgpu WGSL pass, the calling thread'
        : `${backend}, the calling thread`
      : `${backend} engine, ${workers} worker thread${workers === 1 ? '' : 's'}`;
  let result: EpochResult | undefined;
  await trainModel(data, {
    model: 'cnn',
    epochs: 1,
    batchSize,
    seed,
    workers,
    engine,
    backend,
    modelsDir: mkdtempSync(path.join(tmpdir(), 'gpu-check-')),
    onEvent(event) {
      if (event.event !== 'epoch') return;
      const testAccuracy = event.testAccuracy ?? NaN;
      result = { images: data.train.count, imagesPerSecond: event.imagesPerSecond, loss: event.loss, testAccuracy };
    },
  });
  if (result === undefined) throw new Error(`${how} reported no epoch`);
  report.epochs[engine === 'local' ? backend : `${backend}-engine`] = { ...result, how };
  sayEpoch(how, result);
}

function sayEpoch(how: string, r: EpochResult): void {
  const rate = r.imagesPerSecond.toFixed(0).padStart(7);
  say(`  ${rate} images/s  loss ${r.loss.toFixed(4)}  test accuracy ${(r.testAccuracy * 100).toFixed(2)}%  (${how})`);
}
