import { Worker } from 'node:worker_threads';
import type { DigitSet, Mnist } from '../../data/index.js';
import { DEFAULT_ADAM } from '../adam.js';
import { UserFacingError } from '../../errors.js';
import { isAccelerator } from '../backend.js';
import { NATIVE_STDERR_WORKER_OPTIONS } from '../backends/native-stderr.js';
import { combineMetrics, EVAL_BATCH } from '../evaluate.js';
import { MAX_SHARDS, splitEvenly, type EngineOptions, type TrainEngine } from './engine.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

/**
 * An error from a worker, rebuilt on this side of the thread boundary. A
 * user-facing one stays user-facing, under its own name, so the CLI still
 * says it in one line rather than as an internal error.
 */
function rebuiltError(reply: Extract<WorkerReply, { type: 'error' }>): Error {
  const error = reply.userFacing ? new UserFacingError(reply.message) : new Error(reply.message);
  error.name = reply.name;
  return error;
}

/** A worker thread with a FIFO of pending replies. */
class Replica {
  private readonly worker: Worker;
  private readonly pending: { resolve(reply: WorkerReply): void; reject(error: Error): void }[] = [];

  constructor() {
    // Untracked descriptors let a worker that starts WebGPU quieten Dawn (backends/native-stderr.ts).
    this.worker = new Worker(new URL('./train-worker.js', import.meta.url), NATIVE_STDERR_WORKER_OPTIONS);
    this.worker.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.shift();
      if (reply.type === 'error') {
        waiter?.reject(rebuiltError(reply));
      } else waiter?.resolve(reply);
    });
    this.worker.on('error', (error) => this.pending.splice(0).forEach((w) => w.reject(error)));
    this.worker.on('exit', (code) =>
      this.pending.splice(0).forEach((w) => w.reject(new Error(`training worker exited with code ${code}`))),
    );
  }

  request<T extends WorkerReply['type']>(message: WorkerRequest): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve: resolve as (reply: WorkerReply) => void, reject });
      this.worker.postMessage(message);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Copies a set into shared memory once, so every worker reads the same bytes without copies. */
function share(set: DigitSet): DigitSet {
  const copy = (source: Uint8Array) => {
    const target = new Uint8Array(new SharedArrayBuffer(source.byteLength));
    target.set(source);
    return target;
  };
  return { images: copy(set.images), labels: copy(set.labels), count: set.count };
}

/**
 * Data-parallel training over `workers` threads, each with its own backend (the wasm
 * backend is single-threaded in Node); one thread only on an accelerator, which uses the whole
 * device by itself. Every step, each replica computes the gradient of its shard of the batch;
 * then each averages the shards' gradients (weighted by shard size) over its own slice of the
 * one shared weight vector and applies Adam there, and all reload the weights before their
 * next step. Each image draws the same VAE noise in whichever shard it lands (see noise.ts), so
 * the step is the big-batch step up to float32 rounding: summing the shards' gradients changes
 * the order of the additions, which after an epoch leaves the losses within about 1e-7 of
 * those of one worker (relative); one worker matches the calling thread bit for bit.
 */
/** An engine's options, with how many worker threads to start and at what priority. */
export interface WorkerEngineOptions extends EngineOptions {
  workers: number;
  /**
   * Added to each worker thread's nice value (on Linux, where a nice value
   * belongs to a thread), so that the thread that started them, a UI, is run
   * first when it wakes; the workers still use every idle cycle.
   */
  niceness?: number;
}

export async function createWorkerEngine(data: Mnist, options: WorkerEngineOptions): Promise<TrainEngine> {
  const wanted = Math.max(1, Math.min(options.workers, MAX_SHARDS));
  const replicas = [new Replica()];
  try {
    const train = share(data.train);
    const test = share(data.test);
    const init: WorkerRequest = {
      type: 'init',
      model: options.model,
      seed: options.seed,
      backend: options.backend,
      train,
      test,
      binarize: options.binarize,
      niceness: options.niceness,
      recipe: options.recipe,
    };
    // The first replica learns which backend `auto` resolves to; on an accelerator it stays alone.
    const first = await replicas[0].request<'ready'>(init);
    const count = isAccelerator(first.backend) ? 1 : wanted;
    while (replicas.length < count) replicas.push(new Replica());
    await Promise.all(replicas.slice(1).map((r) => r.request<'ready'>(init)));
    const size = first.size;
    const params = new Float32Array(new SharedArrayBuffer(size * 4));
    const slots = replicas.map(() => new Float32Array(new SharedArrayBuffer(size * 4)));
    const ranges = splitEvenly(size, replicas.length);
    const attach = (index: number): WorkerRequest => ({
      type: 'attach',
      params,
      slots,
      index,
      range: ranges[index],
      publish: index === 0,
    });
    await replicas[0].request(attach(0));
    await Promise.all(replicas.slice(1).map((r, i) => r.request(attach(i + 1))));
    return engineOver(replicas, first.backend, data.test.count);
  } catch (error) {
    await Promise.all(replicas.map((r) => r.terminate()));
    throw error;
  }
}

function engineOver(replicas: Replica[], backend: string, testCount: number): TrainEngine {
  let learningRate = DEFAULT_ADAM.learningRate;
  // Worker 0 published the initial weights; the others load them on their first request.
  let version = 1;
  const evalShards = splitEvenly(Math.ceil(testCount / EVAL_BATCH), replicas.length).map(([a, b]) => [
    a * EVAL_BATCH,
    Math.min(b * EVAL_BATCH, testCount),
  ]);
  return {
    backend,
    workers: replicas.length,
    setLearningRate(rate) {
      learningRate = rate;
    },
    async step(indices, epoch) {
      const shards = splitEvenly(indices.length, replicas.length);
      const weights = shards.map(([start, end]) => (end - start) / indices.length);
      // A batch smaller than the worker count leaves some shards empty: those replicas sit out.
      const skipped: Extract<WorkerReply, { type: 'stepped' }> = { type: 'stepped', loss: 0, finite: true };
      const replies = await Promise.all(
        replicas.map((r, i) =>
          weights[i] === 0
            ? skipped
            : r.request<'stepped'>({
                type: 'step',
                version,
                indices: indices.slice(shards[i][0], shards[i][1]),
                epoch,
              }),
        ),
      );
      const loss = replies.reduce((sum, reply, i) => sum + weights[i] * reply.loss, 0);
      if (!Number.isFinite(loss) || replies.some((reply) => !reply.finite)) return NaN;
      await Promise.all(replicas.map((r) => r.request<'updated'>({ type: 'update', weights, learningRate })));
      version += 1;
      return loss;
    },
    async evaluate() {
      const replies = await Promise.all(
        replicas.map((r, i) =>
          r.request<'evaluated'>({ type: 'evaluate', version, start: evalShards[i][0], end: evalShards[i][1] }),
        ),
      );
      return combineMetrics(replies.map((r) => r.metric).filter((m) => m.count > 0));
    },
    async save(modelsDir, metadata) {
      await replicas[0].request({ type: 'save', version, modelsDir, metadata });
    },
    async dispose() {
      await Promise.all(replicas.map((r) => r.terminate()));
    },
  };
}
