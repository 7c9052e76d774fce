import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The wasm backend's module as built by Emscripten, whose exports include its memory. */
interface EmscriptenExports {
  asm?: { memory?: WebAssembly.Memory };
}

/**
 * Tensors on the tfjs wasm heap that one training step allocates and frees together, with the
 * byte offsets our SIMD kernels take. Views are made afresh on each request: any allocation may
 * grow the memory, which detaches every earlier view.
 */
export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private readonly owned: tf.TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {
    const memory = (backend.wasm as unknown as EmscriptenExports).asm?.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new Error('this tfjs wasm backend does not expose its memory (Module.asm.memory)');
    }
    this.memory = memory;
  }

  /** A new, uninitialised tensor; 'bool' holds one byte an element. */
  alloc(shape: number[], dtype: 'float32' | 'bool' = 'float32'): tf.TensorInfo {
    return this.adopt(this.backend.makeOutput(shape, dtype));
  }

  /** A new float32 tensor holding a copy of `values`. */
  from(shape: number[], values: Float32Array): tf.TensorInfo {
    const info = this.alloc(shape);
    this.f32(info).set(values);
    return info;
  }

  /** Takes ownership of a tensor a tfjs kernel returned. */
  adopt(info: tf.TensorInfo): tf.TensorInfo {
    this.owned.push(info);
    return info;
  }

  /** The byte offset of `info`'s data in `memory`. */
  ptr(info: tf.TensorInfo): number {
    const data = this.backend.dataIdMap.get(info.dataId);
    if (data === undefined) throw new Error('tensor is not on the wasm heap');
    return data.memoryOffset;
  }

  f32(info: tf.TensorInfo): Float32Array {
    return new Float32Array(this.memory.buffer, this.ptr(info), tf.util.sizeFromShape(info.shape));
  }

  /** Frees every tensor allocated or adopted since the last call. */
  releaseAll(): void {
    for (const info of this.owned.splice(0)) this.backend.disposeData(info.dataId);
  }
}
