import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { firstLine, UserFacingError } from '../../errors.js';
import { FlatAdam } from '../adam.js';
import { initBackend } from '../backend.js';
import { saveModelSet } from '../model-store.js';
import { FlatParameters } from '../parameters.js';
import { createTask, type TrainTask } from '../tasks.js';
import { computeGradients } from '../gradients.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import type { DigitSet } from '../../data/index.js';

/**
 * One data-parallel replica: it holds a full model on its own backend and computes gradients
 * for its shard of each batch into shared memory. Then each replica averages all shards'
 * gradients over its own slice of the weights and applies Adam there, so the update is spread
 * over the workers and the coordinating thread stays idle. Before computing, every replica
 * reloads the whole shared weight vector, so all replicas stay identical.
 */
const port = parentPort;
if (port === null) throw new Error('train-worker must run in a worker thread');

let task: TrainTask;
let test: DigitSet;
let params: FlatParameters;
let shared: Float32Array;
let slots: Float32Array[];
let grads: Float32Array;
let range: [number, number];
let adam: FlatAdam;
let combined: Float32Array;
let loadedVersion = 0;

function sync(version: number): void {
  if (version === loadedVersion) return;
  params.write(shared);
  loadedVersion = version;
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.type) {
    case 'init': {
      if (request.niceness !== undefined) lowerPriority(request.niceness);
      const backend = await initBackend(request.backend, 'async');
      task = createTask(request.model, request.train, request.seed, {
        binarize: request.binarize,
        cnn: request.recipe,
      });
      test = request.test;
      params = new FlatParameters(task.variables);
      return { type: 'ready', backend, size: params.size };
    }
    case 'attach':
      shared = request.params;
      slots = request.slots;
      grads = slots[request.index];
      range = request.range;
      adam = new FlatAdam(range[1] - range[0]);
      combined = new Float32Array(range[1] - range[0]);
      if (request.publish) await params.read(shared);
      return { type: 'attached' };
    case 'step': {
      // A hand-written pass reads the shared weights directly; autograd needs them in the variables.
      if (task.handPass === undefined) sync(request.version);
      const { loss, finite } = await computeGradients(task, params, shared, request.indices, request.epoch, grads);
      return { type: 'stepped', loss, finite };
    }
    case 'update': {
      averageSlices(request.weights);
      adam.learningRate = request.learningRate;
      adam.apply(shared.subarray(range[0], range[1]), combined);
      return { type: 'updated' };
    }
    case 'evaluate':
      sync(request.version);
      return { type: 'evaluated', metric: await task.evaluate(test, request.start, request.end) };
    case 'save':
      sync(request.version);
      await saveModelSet(request.modelsDir, task.name, task.parts, request.metadata);
      return { type: 'saved' };
  }
}

/** The most a nice value can be on Linux. */
const MAX_NICE = 19;

/**
 * Raises this thread's nice value by `niceness`. On Linux a nice value
 * belongs to a thread, and pid 0 names the calling one; elsewhere it would
 * renice the whole process, UI included, so nothing is done there.
 */
function lowerPriority(niceness: number): void {
  if (process.platform !== 'linux') return;
  setPriority(Math.min(MAX_NICE, getPriority() + niceness));
}

/** Writes the shard-weighted mean of every replica's gradient over this replica's range into `combined`. */
function averageSlices(weights: number[]): void {
  const [start, end] = range;
  let first = true;
  for (let i = 0; i < slots.length; i++) {
    const weight = weights[i];
    if (weight === 0) continue;
    // Plain views of the range keep the loops free of offset arithmetic.
    const slot = slots[i].subarray(start, end);
    if (first) for (let j = 0; j < slot.length; j++) combined[j] = weight * slot[j];
    else for (let j = 0; j < slot.length; j++) combined[j] += weight * slot[j];
    first = false;
  }
}

// Requests are handled strictly in arrival order: each waits for the one before it.
let queue = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      port.postMessage(await handle(request));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const userFacing = error instanceof UserFacingError;
      port.postMessage({ type: 'error', name, message: firstLine(error), userFacing } satisfies WorkerReply);
    }
  });
});
