import { IMAGE_SIDE, IMAGE_PIXELS, MNIST_MEAN, MNIST_STD, NUM_CLASSES, type DigitSet } from '../../data/index.js';
import { DEFAULT_ADAM } from '../adam.js';
import { CNN_SHAPES } from '../passes/index.js';
import { layoutWeights } from '../passes/weight-layout.js';
import * as wgsl from './cnn-shaders.js';

/** Channels of the two convolutions and units of the hidden layer, from the shared layout. */
const [C1, C2, HIDDEN] = [CNN_SHAPES[1][0], CNN_SHAPES[3][0], CNN_SHAPES[5][0]];
/** Side of the image after each 2×2 pool. */
const [S1, S2] = [IMAGE_SIDE / 2, IMAGE_SIDE / 4];
const FLAT = S2 * S2 * C2;
/**
 * Partial sums per weight of each convolution's filter gradient (see conv3x3FilterGradShader):
 * ~80,000 and ~300,000 threads, each summing a few hundred to a few thousand products at batch 128.
 */
const [CONV1_PARTS, CONV2_PARTS] = [256, 16];
/** Steps whose loss the log keeps before its slots are reused. */
const LOSS_SLOTS = 64;
/** The most workgroups one dimension of a dispatch may have (WebGPU's default limit). */
const MAX_GROUPS = 65535;
/** Bytes of the per-step uniforms (see STEP_UNIFORMS in cnn-shaders.ts). */
const UNIFORM_BYTES = 32;

// WebGPU's buffer usage flags, as numbers: the GPUBufferUsage global exists only once Dawn is loaded.
const STORAGE = 0x80;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const UNIFORM = 0x40;
const MAP_READ = 0x01;

/** One compute dispatch of a step: its pipeline, its buffers, and how many threads a batch needs. */
interface Dispatch {
  name: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  threads: (batch: number) => number;
}

/** Images per evaluation chunk, when training has not sized the buffers larger. */
const EVAL_CHUNK = 256;
/** The forward dispatches, shared by a training step and evaluation. */
const FORWARD = ['conv1', 'pool1', 'conv2', 'pool2', 'dense3', 'dense4'];

/** The loss of one step and whether it and all its gradients were finite. */
export interface StepLoss {
  loss: number;
  finite: boolean;
}

/**
 * The classifier's training step on the GPU: weights, Adam's moments and the whole training
 * set (as bytes) live in GPU buffers, and a step is one command buffer of 22 dispatches
 * (cnn-shaders.ts) with nothing read back. Each step's loss and finiteness go to a small log
 * on the GPU, read when asked (`loss`).
 */
export class CnnGpuPass {
  private readonly buffers: Record<string, GPUBuffer> = {};
  private readonly pipelines: Record<string, GPUComputePipeline> = {};
  private readonly size: number;
  private readonly stepUniforms: GPUBuffer;
  private readonly lossLog: GPUBuffer;
  private order: GPUBuffer;
  private capacity = 0;
  private passes: Dispatch[] = [];
  /** The test set's buffers, uploaded on the first evaluation. */
  private evaluated?: { set: DigitSet; images: GPUBuffer; labels: GPUBuffer; correct: GPUBuffer };
  private adamSteps = 0;
  private stepsTaken = 0;
  learningRate = DEFAULT_ADAM.learningRate;

  /**
   * Builds the pass, with `weights` (flat, in variable order) as its starting point. Throws
   * where the GPU refuses a shader or a pipeline, which it otherwise reports only as a warning.
   */
  static async create(
    device: GPUDevice,
    train: DigitSet,
    variableShapes: number[][],
    weights: Float32Array,
  ): Promise<CnnGpuPass> {
    device.pushErrorScope('validation');
    const pass = new CnnGpuPass(device, train, variableShapes, weights);
    // Bind groups are checked when built: build them now, inside the error scope.
    pass.ensureCapacity(1);
    const error = await device.popErrorScope();
    if (error !== null) {
      pass.dispose();
      throw new Error(`the WebGPU training pass did not build: ${error.message.split('\n')[0]}`);
    }
    return pass;
  }

  private constructor(
    private readonly device: GPUDevice,
    train: DigitSet,
    variableShapes: number[][],
    weights: Float32Array,
  ) {
    const slots = layoutWeights('cnn', CNN_SHAPES, variableShapes);
    this.size = slots.reduce((sum, slot) => sum + slot.size, 0);
    const [w1, b1, w2, b2, w3, b3, w4, b4] = slots.map((slot) => slot.offset);
    const conv1 = { kernel: w1, bias: b1 };
    const conv2 = { kernel: w2, bias: b2 };
    const dense3 = { kernel: w3, bias: b3 };
    const dense4 = { kernel: w4, bias: b4 };
    const { beta1, beta2, epsilon } = DEFAULT_ADAM;
    const sources: Record<string, string> = {
      gather: wgsl.gatherShader(IMAGE_PIXELS, MNIST_MEAN, MNIST_STD),
      conv1: wgsl.conv3x3Shader(IMAGE_SIDE, 1, C1, true, conv1),
      pool1: wgsl.maxPoolShader(IMAGE_SIDE, C1),
      conv2: wgsl.conv3x3Shader(S1, C1, C2, true, conv2),
      pool2: wgsl.maxPoolShader(S1, C2),
      dense3: wgsl.denseShader(FLAT, HIDDEN, true, dense3),
      dense4: wgsl.denseShader(HIDDEN, NUM_CLASSES, false, dense4),
      softmax: wgsl.softmaxCrossEntropyShader(NUM_CLASSES),
      loss: wgsl.lossShader(),
      dense4Weights: wgsl.denseWeightGradShader(HIDDEN, NUM_CLASSES, dense4),
      dense4Input: wgsl.denseInputGradShader(HIDDEN, NUM_CLASSES, true, w4),
      dense3Weights: wgsl.denseWeightGradShader(FLAT, HIDDEN, dense3),
      dense3Input: wgsl.denseInputGradShader(FLAT, HIDDEN, false, w3),
      pool2Grad: wgsl.maxPoolGradReluShader(S1, C2),
      conv2Filter: wgsl.conv3x3FilterGradShader(S1, C1, C2, CONV2_PARTS),
      conv2Reduce: wgsl.reducePartsShader(9 * C1 * C2, C2, CONV2_PARTS, conv2),
      conv2Input: wgsl.conv3x3InputGradShader(S1, C1, C2, w2),
      pool1Grad: wgsl.maxPoolGradReluShader(IMAGE_SIDE, C1),
      conv1Filter: wgsl.conv3x3FilterGradShader(IMAGE_SIDE, 1, C1, CONV1_PARTS),
      conv1Reduce: wgsl.reducePartsShader(9 * C1, C1, CONV1_PARTS, conv1),
      finite: wgsl.finiteCheckShader(this.size),
      adam: wgsl.adamShader(this.size, beta1, beta2, epsilon),
      correct: wgsl.correctShader(NUM_CLASSES),
    };
    for (const [name, code] of Object.entries(sources)) {
      this.pipelines[name] = device.createComputePipeline({
        label: name,
        layout: 'auto',
        compute: { module: device.createShaderModule({ label: name, code }), entryPoint: 'main' },
      });
    }
    this.buffers.images = this.upload(train.images);
    this.buffers.labels = this.upload(train.labels);
    this.buffers.params = this.upload(weights);
    for (const name of ['grads', 'm', 'v']) this.buffers[name] = this.storage(this.size * 4);
    const partials = Math.max((9 * C1 + C1) * CONV1_PARTS, (9 * C1 * C2 + C2) * CONV2_PARTS);
    this.buffers.partial = this.storage(partials * 4);
    this.stepUniforms = device.createBuffer({ size: UNIFORM_BYTES, usage: UNIFORM | COPY_DST });
    this.lossLog = this.storage(LOSS_SLOTS * 2 * 4);
    this.order = this.storage(4);
  }

  /**
   * Queues one training step on the images at `indices` (gradients, then Adam unless they are
   * not finite) and returns the step's slot in the loss log, for `loss`. Reads nothing back.
   */
  step(indices: Int32Array): number {
    const { beta1, beta2 } = DEFAULT_ADAM;
    this.adamSteps += 1;
    const stepSize = this.learningRate / (1 - beta1 ** this.adamSteps);
    const inverseRoot2 = 1 / Math.sqrt(1 - beta2 ** this.adamSteps);
    return this.run(indices, { stepSize, inverseRoot2 });
  }

  /** The loss and finiteness of the step queued with `slot`, read asynchronously. */
  async loss(slot: number): Promise<StepLoss> {
    const [loss, flag] = await this.read(this.lossLog, slot * 8, 8);
    return { loss, finite: flag === 0 && Number.isFinite(loss) };
  }

  /** The batch's loss and gradients under the current weights, without a step: for tests. */
  async gradients(indices: Int32Array): Promise<StepLoss & { grads: Float32Array }> {
    const slot = this.run(indices, undefined);
    const grads = await this.read(this.buffers.grads, 0, this.size * 4);
    return { ...(await this.loss(slot)), grads };
  }

  /** The current weights, flat in variable order. */
  weights(): Promise<Float32Array> {
    return this.read(this.buffers.params, 0, this.size * 4);
  }

  /** Frees every GPU buffer; the pass is unusable afterwards. */
  dispose(): void {
    for (const buffer of [...Object.values(this.buffers), this.stepUniforms, this.lossLog, this.order])
      buffer.destroy();
  }

  private run(indices: Int32Array, adam: { stepSize: number; inverseRoot2: number } | undefined): number {
    const batch = indices.length;
    this.ensureCapacity(batch);
    const slot = this.stepsTaken++ % LOSS_SLOTS;
    this.writeStep(indices, slot, adam);
    this.submit(
      this.passes.filter(({ name }) => adam !== undefined || name !== 'adam'),
      batch,
    );
    return slot;
  }

  /**
   * How many images of `set` (the test set) the current weights classify correctly, computed
   * on the GPU in chunks; one number is read back at the end.
   */
  async correct(set: DigitSet): Promise<number> {
    this.ensureCapacity(EVAL_CHUNK);
    if (this.evaluated?.set !== set) {
      if (this.evaluated) for (const buffer of [this.evaluated.images, this.evaluated.labels]) buffer.destroy();
      this.evaluated?.correct.destroy();
      const correct = this.storage(4);
      this.evaluated = { set, images: this.upload(set.images), labels: this.upload(set.labels), correct };
    }
    const { images, labels, correct } = this.evaluated;
    this.device.queue.writeBuffer(correct, 0, new Uint32Array(1));
    const B = this.buffers;
    const forward = this.passes.filter(({ name }) => FORWARD.includes(name));
    const plan = [
      this.dispatch('gather', [this.order, images, B.x], (batch) => batch * IMAGE_PIXELS),
      ...forward,
      this.dispatch('correct', [this.order, labels, B.logits, correct], (batch) => batch),
    ];
    for (let start = 0; start < set.count; start += this.capacity) {
      const indices = Int32Array.from({ length: Math.min(this.capacity, set.count - start) }, (_, i) => start + i);
      this.writeStep(indices, 0, undefined);
      this.submit(plan, indices.length);
    }
    const [count] = new Uint32Array((await this.read(correct, 0, 4)).buffer);
    return count;
  }

  /** Writes the step's uniforms and the batch's image indices; queued before the next submit. */
  private writeStep(indices: Int32Array, slot: number, adam: { stepSize: number; inverseRoot2: number } | undefined) {
    const uniforms = new ArrayBuffer(UNIFORM_BYTES);
    new Uint32Array(uniforms, 0, 4).set([indices.length, 0, slot, 0]);
    new Float32Array(uniforms, 16, 2).set([adam?.stepSize ?? 0, adam?.inverseRoot2 ?? 0]);
    // Queue writes land between the submissions around them, so one order buffer serves every step.
    this.device.queue.writeBuffer(this.stepUniforms, 0, uniforms);
    this.device.queue.writeBuffer(this.order, 0, Uint32Array.from(indices));
  }

  /** Encodes `dispatches` for a batch of `batch` images in one compute pass, and submits it. */
  private submit(dispatches: Dispatch[], batch: number): void {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const { pipeline, bindGroup, threads } of dispatches) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      const groups = Math.ceil(threads(batch) / wgsl.WORKGROUP);
      const x = Math.min(groups, MAX_GROUPS);
      pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    }
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** The dispatch of pipeline `name` over `buffers`, bound after the step uniforms. */
  private dispatch(name: string, buffers: GPUBuffer[], threads: (batch: number) => number): Dispatch {
    const pipeline = this.pipelines[name];
    const entries = [this.stepUniforms, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    return { name, pipeline, bindGroup, threads };
  }

  /** Sizes the activation buffers for `batch` images, and builds the bind groups over them. */
  private ensureCapacity(batch: number): void {
    if (batch <= this.capacity) return;
    const b = batch;
    const activations: Record<string, number> = {
      x: b * IMAGE_PIXELS,
      h1: b * IMAGE_PIXELS * C1,
      p1: b * S1 * S1 * C1,
      arg1: b * S1 * S1 * C1,
      h2: b * S1 * S1 * C2,
      p2: b * FLAT,
      arg2: b * FLAT,
      h3: b * HIDDEN,
      logits: b * NUM_CLASSES,
      dLogits: b * NUM_CLASSES,
      rowLoss: b,
      dh3: b * HIDDEN,
      dp2: b * FLAT,
      dh2: b * S1 * S1 * C2,
      dp1: b * S1 * S1 * C1,
      dh1: b * IMAGE_PIXELS * C1,
    };
    for (const [name, floats] of Object.entries(activations)) {
      this.buffers[name]?.destroy();
      this.buffers[name] = this.storage(floats * 4);
    }
    this.order.destroy();
    this.order = this.storage(b * 4);
    const B = this.buffers;
    const n = this.size;
    const each = (count: number) => (batch: number) => batch * count;
    const fixed = (count: number) => () => count;
    // Every dispatch of a step, in order, with its buffers (after the step uniforms) and thread count.
    const plan: [string, GPUBuffer[], (batch: number) => number][] = [
      ['gather', [this.order, B.images, B.x], each(IMAGE_PIXELS)],
      ['conv1', [B.x, B.params, B.h1], each(IMAGE_PIXELS * C1)],
      ['pool1', [B.h1, B.p1, B.arg1], each(S1 * S1 * C1)],
      ['conv2', [B.p1, B.params, B.h2], each(S1 * S1 * C2)],
      ['pool2', [B.h2, B.p2, B.arg2], each(FLAT)],
      ['dense3', [B.p2, B.params, B.h3], each(HIDDEN)],
      ['dense4', [B.h3, B.params, B.logits], each(NUM_CLASSES)],
      ['softmax', [this.order, B.labels, B.logits, B.dLogits, B.rowLoss], each(1)],
      ['loss', [B.rowLoss, this.lossLog], fixed(1)],
      ['dense4Weights', [B.h3, B.dLogits, B.grads], fixed((HIDDEN + 1) * NUM_CLASSES)],
      ['dense4Input', [B.dLogits, B.params, B.dh3, B.h3], each(HIDDEN)],
      ['dense3Weights', [B.p2, B.dh3, B.grads], fixed((FLAT + 1) * HIDDEN)],
      ['dense3Input', [B.dh3, B.params, B.dp2], each(FLAT)],
      ['pool2Grad', [B.dp2, B.arg2, B.h2, B.dh2], each(S1 * S1 * C2)],
      ['conv2Filter', [B.p1, B.dh2, B.partial], fixed((9 * C1 * C2 + C2) * CONV2_PARTS)],
      ['conv2Reduce', [B.partial, B.grads], fixed(9 * C1 * C2 + C2)],
      ['conv2Input', [B.dh2, B.params, B.dp1], each(S1 * S1 * C1)],
      ['pool1Grad', [B.dp1, B.arg1, B.h1, B.dh1], each(IMAGE_PIXELS * C1)],
      ['conv1Filter', [B.x, B.dh1, B.partial], fixed((9 * C1 + C1) * CONV1_PARTS)],
      ['conv1Reduce', [B.partial, B.grads], fixed(9 * C1 + C1)],
      ['finite', [B.grads, this.lossLog], fixed(n + 1)],
      ['adam', [B.grads, this.lossLog, B.params, B.m, B.v], fixed(n)],
    ];
    this.passes = plan.map(([name, buffers, threads]) => this.dispatch(name, buffers, threads));
    this.capacity = batch;
  }

  /** A storage buffer holding `data`, padded to whole 4-byte words as WebGPU requires. */
  private upload(data: Uint8Array | Float32Array): GPUBuffer {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const buffer = this.device.createBuffer({
      size: Math.max(4, Math.ceil(bytes.length / 4) * 4),
      usage: STORAGE | COPY_DST | COPY_SRC,
      mappedAtCreation: true,
    });
    new Uint8Array(buffer.getMappedRange()).set(bytes);
    buffer.unmap();
    return buffer;
  }

  private storage(bytes: number): GPUBuffer {
    return this.device.createBuffer({ size: Math.max(4, bytes), usage: STORAGE | COPY_DST | COPY_SRC });
  }

  /** `bytes` of `source` from `offset`, copied to a mappable buffer and read when the GPU is there. */
  private async read(source: GPUBuffer, offset: number, bytes: number): Promise<Float32Array> {
    const staging = this.device.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, offset, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(MAP_READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    } finally {
      staging.destroy();
    }
  }
}
