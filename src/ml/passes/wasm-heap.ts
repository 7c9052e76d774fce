import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels } from '../simd/index.js';

/**
 * Tensors on the tfjs wasm heap that one training step allocates and frees together, with the
 * byte offsets our SIMD kernels take. Views are made afresh on each request: any allocation may
 * grow the memory, which detaches every earlier view.
 */
export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private readonly owned: tf.TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {
    this.memory = simdKernels(backend).memory;
  }

  /** A new, uninitialised tensor; 'bool' holds one byte an element. */
  alloc(shape: number[], dtype: 'float32' | 'bool' = 'float32'): tf.TensorInfo {
    const info = this.backend.makeOutput(shape, dtype);
    this.owned.push(info);
    return info;
  }

  /** A new float32 tensor holding a copy of `values`. */
  from(shape: number[], values: Float32Array): tf.TensorInfo {
    const info = this.alloc(shape);
    this.f32(info).set(values);
    return info;
  }

  /**
   * The byte offset of `info`'s data in `memory`, or of the slice of it that `within` (counted in
   * floats) starts, e.g. one weight tensor's slot in the flat weight vector.
   */
  ptr(info: tf.TensorInfo, within: { offset: number } = { offset: 0 }): number {
    return heapOffset(this.backend, info) + within.offset * Float32Array.BYTES_PER_ELEMENT;
  }

  f32(info: tf.TensorInfo): Float32Array {
    return new Float32Array(this.memory.buffer, this.ptr(info), tf.util.sizeFromShape(info.shape));
  }

  /** Frees every tensor allocated since the last call. */
  releaseAll(): void {
    for (const info of this.owned.splice(0)) this.backend.disposeData(info.dataId);
  }
}
