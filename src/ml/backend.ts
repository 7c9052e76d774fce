import * as tf from '@tensorflow/tfjs-core';
import { firstLine, UserFacingError } from '../errors.js';
import type { BackendName } from '../config.js';

/** A backend that cannot run here; the message says why in one line. */
export class BackendError extends UserFacingError {
  override name = 'BackendError';
}

type Concrete = Exclude<BackendName, 'auto'>;

/**
 * How the caller reads tensors. `sync` (dataSync: the UI, the commands' inference) rules out
 * webgpu, which under Node can only read asynchronously: tfjs-backend-webgpu reads
 * synchronously only through OffscreenCanvas, which Node lacks. `async` (training, evaluation)
 * may use it.
 */
export type Reads = 'sync' | 'async';

/**
 * Backends in the order `auto` tries them: fastest first. webgpu only where reads are awaited,
 * so synchronous callers never wake the GPU (nor let Dawn print warnings) for nothing, and
 * only on a hardware adapter measured to beat wasm here (backends/auto-gpu.ts).
 */
const AUTO_ORDER: Record<Reads, Concrete[]> = {
  async: ['tensorflow', 'webgpu', 'wasm', 'cpu'],
  sync: ['tensorflow', 'wasm', 'cpu'],
};

/**
 * Backends that spread every op over a whole GPU (or, for tfjs-node without one, all cores) by
 * themselves, so more than one training replica would only compete for it.
 */
const ACCELERATORS: readonly string[] = ['tensorflow', 'webgpu'];

/** Whether `backend` (a name `initBackend` returned) is an accelerator that wants one replica. */
export function isAccelerator(backend: string): boolean {
  return ACCELERATORS.includes(backend);
}

/**
 * Makes `name` the active TensorFlow.js backend and returns the name actually in use.
 * Backends are imported here, on demand, so commands that never compute stay instant. Where
 * `reads` is `sync`, a request for webgpu is served like `auto`: only training workers (which
 * await their reads) may land on the GPU, while the thread that asked infers beside them.
 */
export async function initBackend(name: BackendName, reads: Reads = 'sync'): Promise<string> {
  // Production mode skips per-op debug checks and the cpu backend's advice to install tfjs-node.
  tf.enableProdMode();
  if (name !== 'auto' && !(name === 'webgpu' && reads === 'sync')) {
    const failure = await tryBackend(name);
    if (failure !== undefined) throw new BackendError(`backend ${name} is unavailable: ${failure}`);
    return name;
  }
  const failures: string[] = [];
  for (const candidate of AUTO_ORDER[reads]) {
    if (candidate === 'webgpu') {
      // Decided without Dawn in this process, so a CPU-only machine never loads it (see auto-gpu.ts).
      const choice = await (await import('./backends/index.js')).autoGpuChoice();
      if (choice.backend !== 'webgpu') {
        failures.push(`webgpu: ${choice.reason}`);
        continue;
      }
    }
    const failure = await tryBackend(candidate);
    if (failure === undefined) return candidate;
    failures.push(`${candidate}: ${failure}`);
  }
  throw new BackendError(`no backend works here (${failures.join('; ')})`);
}

/** Undefined on success, else why the backend cannot be used. */
async function tryBackend(name: Concrete): Promise<string | undefined> {
  try {
    await prepare(name);
    const ok = await tf.setBackend(name);
    if (!ok) return 'it failed to initialise';
    await tf.ready();
    return undefined;
  } catch (error) {
    if (name === 'webgpu') (await import('./backends/index.js')).stopWebGpu();
    return firstLine(error);
  }
}

/** Whether this thread has said that its WebGPU adapter is a software one. */
let softwareNoted = false;

/** Imports and registers backend `name`; throws with a one-line reason if it cannot run here. */
async function prepare(name: Concrete): Promise<void> {
  switch (name) {
    case 'tensorflow':
      return (await import('./backends/index.js')).loadTensorflow();
    case 'webgpu': {
      const { startWebGpu, softwareReason, adapterName } = await import('./backends/index.js');
      const adapter = await startWebGpu();
      const software = softwareReason(adapter);
      if (software !== undefined && !softwareNoted) {
        // Said here, once per thread that starts it, because only this thread knows; `auto`
        // never gets here on a software adapter, so only an explicit --backend webgpu does.
        softwareNoted = true;
        process.stderr.write(
          `mnist-tui: webgpu runs on a software adapter, ${adapterName(adapter)} (${software}): ` +
            `expect it to train far slower than --backend wasm\n`,
        );
      }
      return;
    }
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      const { registerWasmInferenceKernels } = await import('./inference-kernels/index.js');
      registerWasmInferenceKernels();
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
  }
}

/**
 * Releases the GPU if this thread started webgpu: Dawn keeps Node's event loop alive while a
 * device lives, so a process that trained or evaluated on it would never exit. Safe to repeat.
 */
export async function releaseBackend(): Promise<void> {
  if (tf.findBackendFactory('webgpu') === null) return;
  (await import('./backends/index.js')).stopWebGpu();
}
