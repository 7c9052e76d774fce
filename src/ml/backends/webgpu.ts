import * as tf from '@tensorflow/tfjs-core';
import type { AdapterIdentity } from './adapter-kind.js';
import { withNativeStderrSilenced } from './native-stderr.js';
import { importOptional } from './optional-import.js';
import { vulkanLoaderPresent } from './vulkan-loader.js';

const WEBGPU = 'webgpu';

/** Dawn's entry point, created once: a process needs only one. */
let dawn: GPU | undefined;
/** The device the registered backend runs on, and its adapter, while one is started. */
let started: { device: GPUDevice; adapter: AdapterIdentity } | undefined;

/**
 * Finds a GPU through Dawn (the `webgpu` package) and registers tfjs's WebGPU backend on it, so
 * `tf.setBackend('webgpu')` can follow; returns what Dawn says about the adapter. Throws an Error with a
 * one-line reason where there is no GPU, or the optional packages are missing. Call
 * `stopWebGpu` when done.
 */
export async function startWebGpu(): Promise<AdapterIdentity> {
  if (started !== undefined) return started.adapter;
  if (!vulkanLoaderPresent()) {
    throw new Error('no WebGPU adapter: the Vulkan loader (libvulkan.so.1) is not installed');
  }
  const { create, globals } = await importOptional('webgpu', () => import('webgpu'));
  // Imported while navigator.gpu is still absent, so it registers only its kernels and leaves the
  // backend factory (which would request a device of its own) to us.
  const { WebGPUBackend } = await importOptional(
    '@tensorflow/tfjs-backend-webgpu',
    () => import('@tensorflow/tfjs-backend-webgpu'),
  );
  // Dawn prints warnings about each adapter it enumerates straight to fd 2 (see native-stderr.ts).
  const gpu = (dawn ??= create([]));
  const adapter = await withNativeStderrSilenced(() => gpu.requestAdapter({ powerPreference: 'high-performance' }));
  if (adapter === null) throw new Error('no WebGPU adapter found (Dawn sees no GPU)');
  const { info, limits } = adapter;
  // The limits tfjs asks for itself, so its dispatches and buffers may use the whole GPU. No
  // optional features: tfjs would ask for them in a form Dawn refuses, and training needs none.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const identity: AdapterIdentity = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    // Newer WebGPU moved the flag from the adapter onto its info; Dawn 0.6 has it on the info only.
    isFallbackAdapter: Boolean(
      (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? adapter.isFallbackAdapter,
    ),
  };
  started = { device, adapter: identity };
  exposeToTfjs(gpu, globals);
  if (tf.findBackendFactory(WEBGPU) !== null) tf.removeBackend(WEBGPU);
  tf.registerBackend(WEBGPU, () => new WebGPUBackend(device, info));
  return started.adapter;
}

/** The device WebGPU runs on and its adapter, while one is started: the hand-written pass (ml/webgpu) shares it. */
export function startedWebGpu(): { device: GPUDevice; adapter: AdapterIdentity } | undefined {
  return started;
}

/**
 * Unregisters the backend and destroys its device, releasing the GPU now rather than at exit.
 * Dawn can keep Node's event loop running while a device lives (its `device.lost` promise is
 * pending work), so every start needs a stop. Safe to repeat.
 */
export function stopWebGpu(): void {
  if (tf.findBackendFactory(WEBGPU) !== null) tf.removeBackend(WEBGPU);
  started?.device.destroy();
  started = undefined;
}

/**
 * tfjs reads WebGPU from browser globals: `navigator.gpu` (its backend refuses to start
 * without it) and constants such as `GPUBufferUsage`. Node 20 has no `navigator`; later
 * versions have one without `gpu`. Existing globals are left alone.
 */
function exposeToTfjs(gpu: GPU, globals: object): void {
  const scope = globalThis as { navigator?: object };
  if (scope.navigator === undefined) scope.navigator = {};
  Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
  for (const [key, value] of Object.entries(globals)) {
    if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
}
