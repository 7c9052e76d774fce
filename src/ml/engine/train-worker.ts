import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend.js';
import { saveModelSet } from '../model-store.js';
import { FlatParameters } from '../parameters.js';
import { createTask, type TrainTask } from '../tasks.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import type { DigitSet } from '../../data/index.js';

/**
 * One data-parallel replica: it holds a full model on its own backend, computes gradients
 * for its shard of each batch into shared memory, and reloads the weights the coordinator
 * publishes. It never updates weights itself, so all replicas stay identical.
 */
const port = parentPort;
if (port === null) throw new Error('train-worker must run in a worker thread');

let task: TrainTask;
let test: DigitSet;
let params: FlatParameters;
let shared: Float32Array;
let grads: Float32Array;
let loadedVersion = 0;

function sync(version: number): void {
  if (version === loadedVersion) return;
  params.write(shared);
  loadedVersion = version;
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.type) {
    case 'init': {
      const backend = await initBackend(request.backend as Parameters<typeof initBackend>[0]);
      task = createTask(request.model, request.train, request.seed);
      test = request.test;
      params = new FlatParameters(task.variables);
      return { type: 'ready', backend, size: params.size };
    }
    case 'attach':
      shared = request.params;
      grads = request.grads;
      if (request.publish) params.read(shared);
      return { type: 'attached' };
    case 'step': {
      sync(request.version);
      const { value, grads: named } = tf.variableGrads(
        () => task.batchLoss(request.indices, request.noiseKey),
        task.variables,
      );
      const loss = value.dataSync()[0];
      value.dispose();
      params.collect(named, grads);
      return { type: 'stepped', loss };
    }
    case 'evaluate':
      sync(request.version);
      return { type: 'evaluated', metric: task.evaluate(test, request.start, request.end) };
    case 'save':
      sync(request.version);
      await saveModelSet(request.modelsDir, task.name, task.parts, request.metadata);
      return { type: 'saved' };
  }
}

// Requests are handled strictly in arrival order: each waits for the one before it.
let queue = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      port.postMessage(await handle(request));
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ type: 'error', name, message: message.split('\n')[0] } satisfies WorkerReply);
    }
  });
});
