import { WASM_MODULES } from './wasm-modules.generated.js';

/**
 * Instantiates the hand-written SIMD module `name` (src/ml/simd/<name>.wat) on `memory`, so its
 * kernels read and write the caller's heap in place: pointers are byte offsets into `memory`.
 * The tfjs wasm backend's own memory is the usual one, which lets kernels work on its tensors.
 */
export function instantiateSimd<Exports>(name: string, memory: WebAssembly.Memory): Exports {
  const base64 = WASM_MODULES[name];
  if (base64 === undefined) throw new Error(`no SIMD module "${name}" was built`);
  const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
  return new WebAssembly.Instance(module, { env: { memory } }).exports as Exports;
}
