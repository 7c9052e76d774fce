import * as tf from '@tensorflow/tfjs-core';
import { importOptional } from './optional-import.js';
import { vulkanLoaderPresent } from './vulkan-loader.js';

const WEBGPU = 'webgpu';

/** Dawn's entry point, created once: a process needs only one. */
let dawn: GPU | undefined;
/** The device the registered backend runs on, and its adapter's name, while one is started. */
let started: { device: GPUDevice; adapter: string } | undefined;

/**
 * Finds a GPU through Dawn (the `webgpu` package) and registers tfjs's WebGPU backend on it, so
 * `tf.setBackend('webgpu')` can follow; returns the adapter's name. Throws an Error with a
 * one-line reason where there is no GPU, or the optional packages are missing. Call
 * `stopWebGpu` when done.
 */
export async function startWebGpu(): Promise<string> {
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
  dawn ??= create([]);
  const adapter = await dawn.requestAdapter({ powerPreference: 'high-performance' });
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
  started = { device, adapter: info.description || info.device || info.vendor || 'unnamed adapter' };
  exposeToTfjs(dawn, globals);
  if (tf.findBackendFactory(WEBGPU) !== null) tf.removeBackend(WEBGPU);
  tf.registerBackend(WEBGPU, () => new WebGPUBackend(device, info));
  return started.adapter;
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
