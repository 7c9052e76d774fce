import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../config.js';

export class BackendError extends Error {
  override name = 'BackendError';
}

/** Backends in the order `auto` tries them: fastest first. */
const AUTO_ORDER: Exclude<BackendName, 'auto'>[] = ['wasm', 'cpu'];

/**
 * Makes `name` the active TensorFlow.js backend and returns the name actually in use.
 * Backends are imported here, on demand, so commands that never compute stay instant.
 */
export async function initBackend(name: BackendName): Promise<string> {
  // Production mode skips per-op debug checks and the cpu backend's advice to install tfjs-node.
  tf.enableProdMode();
  if (name !== 'auto') {
    const failure = await tryBackend(name);
    if (failure !== undefined) throw new BackendError(`backend ${name} is unavailable: ${failure}`);
    return name;
  }
  const failures: string[] = [];
  for (const candidate of AUTO_ORDER) {
    const failure = await tryBackend(candidate);
    if (failure === undefined) return candidate;
    failures.push(`${candidate}: ${failure}`);
  }
  throw new BackendError(`no backend works here (${failures.join('; ')})`);
}

/** Undefined on success, else why the backend cannot be used. */
async function tryBackend(name: Exclude<BackendName, 'auto'>): Promise<string | undefined> {
  try {
    if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      const { registerWasmTrainingKernels } = await import('./kernels/index.js');
      registerWasmTrainingKernels();
    } else {
      await import('@tensorflow/tfjs-backend-cpu');
    }
    const ok = await tf.setBackend(name);
    if (!ok) return 'it failed to initialise';
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}
