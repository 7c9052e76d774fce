/**
 * Run as a child process by machine-probe.ts, never imported. Dawn prints its own warnings
 * (`maxDynamicUniformBuffersPerPipelineLayout artificially reduced ...`) with the native
 * stderr, fd 2, which Node cannot redirect within a process; here the parent holds that fd and
 * drops it. Prints one JSON line, a MachineProbe, on stdout. With `--measure`, and only on a
 * hardware adapter, it also times a few CNN training steps on WebGPU and on wasm.
 */
import { IMAGE_PIXELS, NUM_CLASSES } from '../data/index.js';
import { createLocalEngine } from './engine/index.js';
import { createCnnGpuEngine } from './webgpu/index.js';
import { softwareReason } from './backends/adapter-kind.js';
import type { MachineProbe } from './backends/auto-choice.js';
import { startWebGpu, stopWebGpu } from './backends/webgpu.js';

/** The batch training uses by default, so the rates compare what a user would run. */
const BATCH = 128;
/** Steps run before timing: the first ones compile shaders and grow memory pools. */
const WARMUP_STEPS = 3;
/** Timing stops after this many steps or this much time, whichever comes first. */
const TIMED_STEPS = 20;
const TIMED_MS = 2000;
/** Synthetic training images: the speed does not depend on what the pixels show. */
const IMAGES = 1024;

/**
 * CNN training images per second through the engine training would use: the hand-written WGSL
 * pass on WebGPU, the wasm pass on one thread.
 */
async function trainingRate(backend: 'webgpu' | 'wasm'): Promise<number> {
  const images = Uint8Array.from({ length: IMAGES * IMAGE_PIXELS }, (_, i) => (i * 2654435761) >>> 24);
  const labels = Uint8Array.from({ length: IMAGES }, (_, i) => i % NUM_CLASSES);
  const set = { images, labels, count: IMAGES };
  const data = { train: set, test: set, source: 'synthetic' };
  const engine =
    backend === 'webgpu'
      ? await createCnnGpuEngine(data, { seed: 1, backend })
      : await createLocalEngine(data, { model: 'cnn', seed: 1, backend });
  try {
    const batch = (step: number) => Int32Array.from({ length: BATCH }, (_, i) => (step * BATCH + i) % IMAGES);
    for (let step = 0; step < WARMUP_STEPS; step++) await engine.step(batch(step), step);
    const start = performance.now();
    let steps = 0;
    while (steps < TIMED_STEPS && performance.now() - start < TIMED_MS) {
      await engine.step(batch(steps), steps);
      steps += 1;
    }
    return (steps * BATCH) / ((performance.now() - start) / 1000);
  } finally {
    await engine.dispose();
  }
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
  }
}

const result = await probe(process.argv.includes('--measure'));
stopWebGpu();
process.stdout.write(`${JSON.stringify(result)}\n`);
