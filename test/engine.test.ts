import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadMnist, type Mnist } from '../src/data/index.js';
import type { ModelName } from '../src/config.js';
import { trainModel, type TrainEvent } from '../src/ml/index.js';
import { relativeError } from './helpers/backends.js';

const TRAIN_IMAGES = 2000;
/** How far runs with different worker counts may part (relative); see the test for why. */
const TOLERANCE = 1e-5;

interface RunOptions {
  model: ModelName;
  engine: 'local' | 'threads';
  workers: number;
  seed: number;
  batchSize: number;
}

/** Trains one epoch with the given engine and returns its events and saved weights (all parts, in order). */
async function run(data: Mnist, { model, engine, workers, seed, batchSize }: RunOptions) {
  const modelsDir = mkdtempSync(path.join(tmpdir(), `mnist-tui-engine-${model}-${engine}${workers}-`));
  const events: TrainEvent[] = [];
  await trainModel(data, {
    model,
    epochs: 1,
    batchSize,
    seed,
    modelsDir,
    workers,
    engine,
    backend: 'wasm',
    onEvent: (e) => events.push(e),
  });
  const parts = model === 'cnn' ? ['model'] : ['encoder', 'decoder'];
  const bytes = Buffer.concat(parts.map((part) => readFileSync(path.join(modelsDir, model, part, 'weights.bin'))));
  const weights = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return { events, weights };
}

/** The highest nice value on Linux. */
const MAX_NICE = 19;

/** The nice value of each thread of this process, from /proc (Linux). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((task) => {
    const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    // Fields after the command's closing parenthesis start at the third; nice is the nineteenth.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

const cnnRun = (data: Mnist, engine: 'local' | 'threads', workers: number) =>
  run(data, { model: 'cnn', engine, workers, seed: 3, batchSize: 100 });

const losses = (events: TrainEvent[]) => events.flatMap((e) => (e.event === 'batch' ? [e.loss] : []));

/** The epoch's mean training loss and its test metric (accuracy or −ELBO). */
function epochFigures(events: TrainEvent[]): number[] {
  const epoch = events.find((e) => e.event === 'epoch');
  assert.ok(epoch?.event === 'epoch');
  return [epoch.loss, epoch.testAccuracy ?? epoch.testNegElbo ?? NaN];
}

describe('training engines', () => {
  let data: Mnist;
  before(async () => {
    data = await loadMnist({ limit: TRAIN_IMAGES });
  });

  it('two workers take the same steps as one thread and reach the same accuracy', async () => {
    const local = await cnnRun(data, 'local', 1);
    const threads = await cnnRun(data, 'threads', 2);
    const start = threads.events[0];
    assert.ok(start.event === 'start' && start.workers === 2 && start.backend === 'wasm');
    assert.ok(relativeError(losses(threads.events), losses(local.events)) < 1e-3, 'the loss curves coincide');
    // Summation order differs between one big batch and two averaged halves; Adam keeps the drift tiny.
    assert.ok(relativeError(threads.weights, local.weights) < 1e-2, 'the weights coincide');
    const accuracy = (events: TrainEvent[]) => events.find((e) => e.event === 'epoch')?.testAccuracy ?? 0;
    assert.ok(accuracy(local.events) > 0.5, `accuracy ${accuracy(local.events)}`);
    assert.ok(Math.abs(accuracy(threads.events) - accuracy(local.events)) < 0.01);
  });

  it('one worker thread trains like the calling thread', async () => {
    const single = await cnnRun(data, 'threads', 1);
    const local = await cnnRun(data, 'local', 1);
    assert.deepEqual(single.weights, local.weights);
  });

  it('a batch smaller than the worker count still trains, with the idle workers sitting out', async () => {
    const tiny = { ...data, train: { ...data.train, count: 5 } };
    const events: TrainEvent[] = [];
    await trainModel(tiny, {
      model: 'vae',
      epochs: 1,
      batchSize: 4,
      seed: 1,
      modelsDir: mkdtempSync(path.join(tmpdir(), 'mnist-tui-engine-tiny-')),
      workers: 3,
      engine: 'threads',
      backend: 'wasm',
      onEvent: (e) => events.push(e),
    });
    const epoch = events.find((e) => e.event === 'epoch');
    assert.ok(epoch?.event === 'epoch' && Number.isFinite(epoch.loss) && epoch.testNegElbo !== undefined);
  });

  it('niceness lowers the priority of the worker threads only (Linux)', async (t) => {
    const base = getPriority();
    if (process.platform !== 'linux' || base >= MAX_NICE) {
      t.skip(
        process.platform !== 'linux' ? 'nice values are per thread on Linux only' : 'already at the lowest priority',
      );
      return;
    }
    const niceness = 7;
    let seen: number[] = [];
    await trainModel(
      { ...data, train: { ...data.train, count: 8 } },
      {
        model: 'vae',
        epochs: 1,
        batchSize: 4,
        seed: 1,
        modelsDir: mkdtempSync(path.join(tmpdir(), 'mnist-tui-engine-nice-')),
        workers: 2,
        engine: 'threads',
        backend: 'wasm',
        niceness,
        onEvent: (e) => {
          if (e.event === 'start') seen = threadNiceValues();
        },
      },
    );
    const lowered = Math.min(MAX_NICE, base + niceness);
    assert.equal(seen.filter((n) => n === lowered).length, 2, `the two workers: ${seen}`);
    assert.ok(
      seen.every((n) => n === base || n === lowered),
      `every other thread keeps the process's nice value ${base}: ${seen}`,
    );
    assert.equal(getPriority(), base, 'this thread is untouched');
  });

  describe('the same seed trains the same model with 1, 2 and 3 workers', () => {
    // 16 steps of 32 images; 1,000 test images keep the evaluation short.
    const subset = () => ({ ...data, train: { ...data.train, count: 512 }, test: { ...data.test, count: 1000 } });
    const options = { seed: 5, batchSize: 32 };
    for (const model of ['cnn', 'vae'] as const) {
      it(`${model}: the loss history and the test metric agree to rounding`, async () => {
        // `--workers 1` trains in the calling thread; more workers split every batch into shards.
        const one = await run(subset(), { ...options, model, engine: 'local', workers: 1 });
        for (const workers of [2, 3]) {
          const many = await run(subset(), { ...options, model, engine: 'threads', workers });
          const start = many.events[0];
          assert.ok(start.event === 'start' && start.workers === workers);
          // Each shard sums its gradient in its own order, so float32 rounding differs in the last
          // bits (about 1e-7 of a value); after 16 Adam steps the losses agree to about 3e-8.
          // Noise drawn per shard, as before, moved the VAE's batch losses by 1e-2..4e-2 here.
          const loss = relativeError(losses(many.events), losses(one.events));
          assert.ok(loss < TOLERANCE, `${workers} workers: batch losses differ by ${loss} (relative)`);
          const figures = relativeError(epochFigures(many.events), epochFigures(one.events));
          assert.ok(figures < TOLERANCE, `${workers} workers: epoch loss and test metric differ by ${figures}`);
          const weights = relativeError(many.weights, one.weights);
          // Adam divides by √v, so a rounding-level change in a near-zero gradient can move that
          // weight by up to a step size: 2e-4 of the largest weight here (VAE), 2e-6 (CNN), and
          // 0.6 with per-shard noise.
          assert.ok(weights < 1e-2, `${workers} workers: weights differ by ${weights} (relative)`);
        }
      });
    }

    it('vae: one worker thread draws the same noise as the calling thread, bit for bit', async () => {
      const thread = await run(subset(), { ...options, model: 'vae', engine: 'threads', workers: 1 });
      const local = await run(subset(), { ...options, model: 'vae', engine: 'local', workers: 1 });
      assert.deepEqual(thread.weights, local.weights);
    });
  });
});
