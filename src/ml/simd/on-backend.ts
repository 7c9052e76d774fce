import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gemmKernels, type GemmKernels } from './gemm.js';
import { layerKernels, type LayerKernels } from './layers.js';

/** The SIMD kernels instantiated on one tfjs wasm backend's heap. */
export interface SimdKernels {
  gemm: GemmKernels;
  layers: LayerKernels;
  memory: WebAssembly.Memory;
}

/** The wasm backend's module as built by Emscripten, whose exports include its memory. */
interface EmscriptenExports {
  asm?: { memory?: WebAssembly.Memory };
}

const instances = new WeakMap<BackendWasm, SimdKernels>();

/**
 * Our kernels on `backend`'s own memory, so they work on its tensors in place; instantiated once
 * per backend.
 */
export function simdKernels(backend: BackendWasm): SimdKernels {
  let kernels = instances.get(backend);
  if (kernels === undefined) {
    const memory = (backend.wasm as unknown as EmscriptenExports).asm?.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new Error('this tfjs wasm backend does not expose its memory (Module.asm.memory)');
    }
    kernels = { gemm: gemmKernels(memory), layers: layerKernels(memory), memory };
    instances.set(backend, kernels);
  }
  return kernels;
}

/** The byte offset of a wasm backend tensor's data in its memory, as the kernels take it. */
export function heapOffset(backend: BackendWasm, info: { dataId: object }): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('tensor is not on the wasm heap');
  return data.memoryOffset;
}
