/**
 * What Dawn says about an adapter: the fields of `GPUAdapterInfo` that identify it, as plain
 * data so it can cross a process boundary and be cached.
 */
export interface AdapterIdentity {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's own flag for an adapter that does not meet WebGPU's performance expectations. */
  isFallbackAdapter: boolean;
}

/**
 * Names of drivers that run "GPU" work on the CPU. Mesa's lavapipe reports itself as
 * `llvmpipe` (vendor `mesa`, architecture `software`); SwiftShader is Chrome's and Dawn's own
 * CPU Vulkan; WARP is Direct3D's.
 */
const SOFTWARE_MARKS = ['llvmpipe', 'lavapipe', 'swiftshader', 'software', 'cpu', 'microsoft basic render', 'warp'];

/**
 * Why an adapter is a software one (a fallback adapter, or a CPU rasteriser by its name), or
 * undefined for a hardware GPU. Words are matched whole, so `cpu` does not hit a name that
 * merely contains those letters.
 */
export function softwareReason(adapter: AdapterIdentity): string | undefined {
  if (adapter.isFallbackAdapter) return 'Dawn marks it as a fallback adapter';
  const fields = [adapter.vendor, adapter.architecture, adapter.device, adapter.description];
  const words = fields.join(' ').toLowerCase();
  const mark = SOFTWARE_MARKS.find((word) => new RegExp(`(^|[^a-z])${word}([^a-z]|$)`).test(words));
  return mark === undefined ? undefined : `its driver is a CPU renderer (${mark})`;
}

/** One line naming an adapter, for messages. */
export function adapterName(adapter: AdapterIdentity): string {
  return adapter.description || adapter.device || adapter.vendor || 'unnamed adapter';
}
