import { readFileSync } from 'node:fs';

/** Compiled modules by name: each binary is read and compiled once per thread. */
const compiled = new Map<string, WebAssembly.Module>();

/**
 * Instantiates the hand-written SIMD module `name` (src/ml/simd/<name>.wat) on `memory`, so its
 * kernels read and write the caller's heap in place: pointers are byte offsets into `memory`.
 * The tfjs wasm backend's own memory is the usual one, which lets kernels work on its tensors.
 * The binary lies beside this file's compiled output, or beside the bundle that holds it
 * (scripts/build-wasm.mjs writes it).
 */
export function instantiateSimd<Exports>(name: string, memory: WebAssembly.Memory): Exports {
  let module = compiled.get(name);
  if (module === undefined) {
    const file = new URL(`./${name}.wasm`, import.meta.url);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`SIMD module "${name}" cannot be read (run npm run build): ${reason}`, { cause: error });
    }
    module = new WebAssembly.Module(new Uint8Array(bytes));
    compiled.set(name, module);
  }
  return new WebAssembly.Instance(module, { env: { memory } }).exports as Exports;
}
