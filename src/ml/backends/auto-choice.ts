import { adapterName, softwareReason, type AdapterIdentity } from './adapter-kind.js';

/** What probing this machine found; every field is optional because each step can fail. */
export interface MachineProbe {
  /** The adapter Dawn offers, if any. */
  adapter?: AdapterIdentity;
  /** Why there is no adapter, or why measuring failed. */
  failure?: string;
  /**
   * CNN training speed in images per second, measured once per machine (see ../auto-probe-child.ts):
   * WebGPU's, and the wasm engine's on one thread.
   */
  rates?: { webgpu: number; wasmPerThread: number };
}

/** Where `auto` goes between WebGPU and the wasm engine, and why, in words for the user. */
export interface AutoChoice {
  backend: 'webgpu' | 'wasm';
  reason: string;
}

/**
 * How much faster than wasm WebGPU must train before `auto` takes it: timings of a few steps
 * are noisy, and a tie is better served by the CPU, which needs no driver and prints nothing.
 */
export const GPU_MARGIN = 1.2;

/**
 * The rule `auto` follows between WebGPU and wasm: a hardware adapter, measured to train
 * faster by GPU_MARGIN than wasm on `cores` threads. The wasm engine's rate is taken as one
 * thread's times `cores`, an upper bound for its data-parallel workers, so the GPU must win
 * plainly. Anything unknown (no adapter, no measurement) goes to wasm, which always works.
 */
export function chooseAuto(probe: MachineProbe, cores: number): AutoChoice {
  const { adapter, rates } = probe;
  if (adapter === undefined) return { backend: 'wasm', reason: `no WebGPU adapter (${probe.failure ?? 'none found'})` };
  const name = adapterName(adapter);
  const software = softwareReason(adapter);
  if (software !== undefined) return { backend: 'wasm', reason: `${name} is a software adapter: ${software}` };
  if (rates === undefined) {
    return { backend: 'wasm', reason: `${name} could not be timed (${probe.failure ?? 'not measured'})` };
  }
  const wasm = rates.wasmPerThread * Math.max(1, cores);
  const speed = `webgpu ${Math.round(rates.webgpu)} img/s, wasm ${Math.round(wasm)} img/s on ${cores} thread(s)`;
  if (rates.webgpu > wasm * GPU_MARGIN) return { backend: 'webgpu', reason: `${name} trains faster: ${speed}` };
  return { backend: 'wasm', reason: `${name} is not faster than the CPU here: ${speed}` };
}
