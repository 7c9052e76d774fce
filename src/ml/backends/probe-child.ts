/**
 * Run as a child process by machine-probe.ts, never imported. Dawn prints its own warnings
 * (`maxDynamicUniformBuffersPerPipelineLayout artificially reduced ...`) with the native
 * stderr, fd 2, which Node cannot redirect within a process; here the parent holds that fd and
 * drops it. Prints one JSON line, a MachineProbe, on stdout. With `--measure`, and only on a
 * hardware adapter, it also times a few CNN training steps on WebGPU and on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { IMAGE_SIZE, NUM_CLASSES } from '../../data/index.js';
import { initBackend } from '../backend.js';
import { createStepper } from '../stepper.js';
import { createTask } from '../tasks.js';
import { softwareReason } from './adapter-kind.js';
import type { MachineProbe } from './auto-choice.js';
import { startWebGpu, stopWebGpu } from './webgpu.js';

/** The batch training uses by default, so the rates compare what a user would run. */
const BATCH = 128;
/** Steps run before timing: the first ones compile shaders and grow memory pools. */
const WARMUP_STEPS = 3;
/** Timing stops after this many steps or this much time, whichever comes first. */
const TIMED_STEPS = 20;
const TIMED_MS = 2000;
/** Synthetic training images: the speed does not depend on what the pixels show. */
const IMAGES = 1024;

/** CNN training images per second on `backend`, one thread. */
async function trainingRate(backend: 'webgpu' | 'wasm'): Promise<number> {
  await initBackend(backend, 'async');
  const images = Uint8Array.from({ length: IMAGES * IMAGE_SIZE }, (_, i) => (i * 2654435761) >>> 24);
  const labels = Uint8Array.from({ length: IMAGES }, (_, i) => i % NUM_CLASSES);
  const task = createTask('cnn', { images, labels, count: IMAGES }, 1);
  const stepper = await createStepper(task);
  const batch = (step: number) => Int32Array.from({ length: BATCH }, (_, i) => (step * BATCH + i) % IMAGES);
  for (let step = 0; step < WARMUP_STEPS; step++) await stepper.step(batch(step), step);
  const start = performance.now();
  let steps = 0;
  while (steps < TIMED_STEPS && performance.now() - start < TIMED_MS) {
    await stepper.step(batch(steps), steps);
    steps += 1;
  }
  const seconds = (performance.now() - start) / 1000;
  for (const part of Object.values(task.parts)) part.dispose();
  return (steps * BATCH) / seconds;
}

async function probe(measure: boolean): Promise<MachineProbe> {
  let result: MachineProbe;
  try {
    result = { adapter: await startWebGpu() };
  } catch (error) {
    return { failure: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
  if (!measure || softwareReason(result.adapter!) !== undefined) return result;
  try {
    // wasm first, on its own: WebGPU timing then starts from a backend that is known to work.
    const wasm = await trainingRate('wasm');
    const webgpu = await trainingRate('webgpu');
    return { ...result, rates: { webgpu, wasmPerThread: wasm } };
  } catch (error) {
    return { ...result, failure: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  } finally {
    stopWebGpu();
    tf.disposeVariables();
  }
}

const result = await probe(process.argv.includes('--measure'));
stopWebGpu();
process.stdout.write(`${JSON.stringify(result)}\n`);
