import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { loadMnist, type Mnist } from '../src/data/index.js';
import { FlatAdam } from '../src/ml/adam.js';
import { startedWebGpu, startWebGpu, stopWebGpu } from '../src/ml/backends/index.js';
import { FlatParameters } from '../src/ml/parameters.js';
import { createTask, type TrainTask } from '../src/ml/tasks.js';
import * as wgsl from '../src/ml/webgpu/cnn-shaders.js';
import { CnnGpuPass } from '../src/ml/webgpu/index.js';
import { removeTempDirs, writeMnistDir } from './fixtures/idx-fixtures.js';
import { assertClose, useBackend } from './helpers/backends.js';
import { jsonLines, runCli } from './helpers/cli.js';

/** Whether Dawn finds an adapter here (lavapipe in CI: scripts/install-lavapipe.sh), else why not. */
const noAdapter = await startWebGpu().then(
  () => false as const,
  (error: Error) => `needs a WebGPU adapter (run scripts/install-lavapipe.sh): ${error.message}`,
);
after(() => stopWebGpu());

const device = () => startedWebGpu()!.device;

/** Random normal values, seeded, never all zero. */
const randn = (count: number, seed: number) =>
  tf.randomNormal([count], 0, 1, 'float32', seed).dataSync() as Float32Array;

/**
 * Runs one shader of cnn-shaders.ts over `buffers` (bindings 1, 2, …; binding 0 holds the step
 * uniforms with `batch`) on `threads` threads, and returns every buffer's contents afterwards.
 */
async function runShader(
  code: string,
  buffers: (Float32Array | Uint32Array)[],
  threads: number,
  batch: number,
): Promise<Float32Array[]> {
  const gpu = device();
  const uniforms = gpu.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  gpu.queue.writeBuffer(uniforms, 0, Uint32Array.from([batch, 0, 0, 0, 0, 0, 0, 0]));
  const storage = buffers.map((data) => {
    const buffer = gpu.createBuffer({
      size: Math.max(4, data.byteLength),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    gpu.queue.writeBuffer(buffer, 0, new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength));
    return buffer;
  });
  const pipeline = gpu.createComputePipeline({
    layout: 'auto',
    compute: { module: gpu.createShaderModule({ code }), entryPoint: 'main' },
  });
  const entries = [uniforms, ...storage].map((buffer, binding) => ({ binding, resource: { buffer } }));
  const encoder = gpu.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, gpu.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
  pass.dispatchWorkgroups(Math.ceil(threads / wgsl.WORKGROUP));
  pass.end();
  const staging = storage.map((buffer) => {
    const copy = gpu.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(buffer, 0, copy, 0, buffer.size);
    return copy;
  });
  gpu.queue.submit([encoder.finish()]);
  const out = [];
  for (const copy of staging) {
    await copy.mapAsync(GPUMapMode.READ);
    out.push(new Float32Array(copy.getMappedRange().slice(0)));
    copy.destroy();
  }
  for (const buffer of [uniforms, ...storage]) buffer.destroy();
  return out;
}

/** `parts` laid end to end after `lead` padding values, so the shaders' offsets are not zero. */
function flatWeights(lead: number, ...parts: Float32Array[]): { params: Float32Array; offsets: number[] } {
  const offsets: number[] = [];
  let at = lead;
  for (const part of parts) {
    offsets.push(at);
    at += part.length;
  }
  const params = randn(at, 99);
  parts.forEach((part, i) => params.set(part, offsets[i]));
  return { params, offsets };
}

describe('WGSL shaders against the cpu backend, odd shapes', { skip: noAdapter }, () => {
  before(() => useBackend('cpu'));
  // A 5×5 image, 3 channels in, 7 out, a batch of 3: nothing a multiple of the workgroup.
  const [B, S, CI, CO] = [3, 5, 3, 7];
  const x = randn(B * S * S * CI, 1);
  const w = randn(9 * CI * CO, 2);
  const bias = randn(CO, 3);
  const dy = randn(B * S * S * CO, 4);
  const { params, offsets } = flatWeights(5, w, bias);
  const layer = { kernel: offsets[0], bias: offsets[1] };
  const xT = () => tf.tensor4d(x, [B, S, S, CI]);
  const wT = () => tf.tensor4d(w, [3, 3, CI, CO]);
  const dyT = () => tf.tensor4d(dy, [B, S, S, CO]);

  it('conv3x3 + bias + ReLU', async () => {
    const [, , out] = await runShader(
      wgsl.conv3x3Shader(S, CI, CO, true, layer),
      [x, params, new Float32Array(dy.length)],
      dy.length,
      B,
    );
    const want = tf.relu(tf.add(tf.conv2d(xT(), wT(), 1, 'same'), tf.tensor1d(bias))).dataSync();
    assertClose(out, want, 'conv3x3 forward');
  });

  it('conv3x3 input gradient', async () => {
    const [, , out] = await runShader(
      wgsl.conv3x3InputGradShader(S, CI, CO, layer.kernel),
      [dy, params, new Float32Array(x.length)],
      x.length,
      B,
    );
    const want = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, wT(), 1, 'same'), dyT())))(
      xT(),
    );
    assertClose(out, want.dataSync(), 'conv3x3 input gradient');
  });

  it('conv3x3 filter and bias gradients, in partial sums then added up', async () => {
    // 7 parts of 75 positions: 11 each, the last part short.
    const parts = 7;
    const weightCount = 9 * CI * CO + CO;
    const [, , partial] = await runShader(
      wgsl.conv3x3FilterGradShader(S, CI, CO, parts),
      [x, dy, new Float32Array(weightCount * parts)],
      weightCount * parts,
      B,
    );
    const [, out] = await runShader(
      wgsl.reducePartsShader(9 * CI * CO, CO, parts, layer),
      [partial, new Float32Array(params.length)],
      weightCount,
      B,
    );
    const want = tf.grad((filter: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(xT(), filter as tf.Tensor4D, 1, 'same'), dyT())),
    )(wT());
    assertClose(out.subarray(layer.kernel, layer.kernel + w.length), want.dataSync(), 'filter gradient');
    assertClose(out.subarray(layer.bias, layer.bias + CO), tf.sum(dyT(), [0, 1, 2]).dataSync(), 'bias gradient');
  });

  it('2×2 max pool with its winners, and the gradient routed back through ReLU', async () => {
    const [side, channels] = [6, 5];
    const h = randn(B * side * side * channels, 5);
    const pooledCount = (B * side * side * channels) / 4;
    const [, pooled, winners] = await runShader(
      wgsl.maxPoolShader(side, channels),
      [h, new Float32Array(pooledCount), new Uint32Array(pooledCount)],
      pooledCount,
      B,
    );
    const hT = tf.tensor4d(h, [B, side, side, channels]);
    assertClose(pooled, tf.maxPool(hT, 2, 2, 'valid').dataSync(), 'max pool');
    const dp = randn(pooledCount, 6);
    const winnerBits = new Uint32Array(winners.buffer);
    const [, , , dh] = await runShader(
      wgsl.maxPoolGradReluShader(side, channels),
      [dp, winnerBits, h, new Float32Array(h.length)],
      h.length,
      B,
    );
    const routed = tf.grad((input: tf.Tensor) =>
      tf.sum(
        tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d(dp, [B, side / 2, side / 2, channels])),
      ),
    )(hT);
    assertClose(dh, tf.mul(routed, tf.cast(tf.greater(hT, 0), 'float32')).dataSync(), 'max pool gradient');
  });

  it('dense + bias + ReLU, its weight, bias and input gradients', async () => {
    const [batch, inputs, outputs] = [1, 13, 11];
    const input = randn(batch * inputs, 7);
    const kernel = randn(inputs * outputs, 8);
    const b = randn(outputs, 9);
    const d = randn(batch * outputs, 10);
    const { params: p, offsets } = flatWeights(3, kernel, b);
    const dense = { kernel: offsets[0], bias: offsets[1] };
    const [, , out] = await runShader(
      wgsl.denseShader(inputs, outputs, true, dense),
      [input, p, new Float32Array(batch * outputs)],
      batch * outputs,
      batch,
    );
    const inT = tf.tensor2d(input, [batch, inputs]);
    const kT = tf.tensor2d(kernel, [inputs, outputs]);
    const dT = tf.tensor2d(d, [batch, outputs]);
    assertClose(out, tf.relu(tf.add(tf.matMul(inT, kT), tf.tensor1d(b))).dataSync(), 'dense forward');
    const [, , grads] = await runShader(
      wgsl.denseWeightGradShader(inputs, outputs, dense),
      [input, d, new Float32Array(p.length)],
      (inputs + 1) * outputs,
      batch,
    );
    assertClose(
      grads.subarray(dense.kernel, dense.kernel + kernel.length),
      tf.matMul(inT, dT, true, false).dataSync(),
      'dense weight gradient',
    );
    assertClose(grads.subarray(dense.bias, dense.bias + outputs), tf.sum(dT, 0).dataSync(), 'dense bias gradient');
    const [, , dIn] = await runShader(
      wgsl.denseInputGradShader(inputs, outputs, true, dense.kernel),
      [d, p, new Float32Array(input.length), input],
      input.length,
      batch,
    );
    const masked = tf.mul(tf.matMul(dT, kT, false, true), tf.cast(tf.greater(inT, 0), 'float32'));
    assertClose(dIn, masked.dataSync(), 'dense input gradient through ReLU');
  });
});

describe('the WebGPU CNN pass against the wasm pass', { skip: noAdapter }, () => {
  let data: Mnist;
  let task: TrainTask;
  let weights: Float32Array;
  let shapes: number[][];
  before(async () => {
    await useBackend('wasm');
    data = await loadMnist({ limit: 300 });
    task = createTask('cnn', data.train, 3);
    weights = await new FlatParameters(task.variables).read();
    shapes = task.variables.map((variable) => variable.shape);
  });
  after(() => {
    for (const part of Object.values(task.parts)) part.dispose();
  });
  const batchOf = (size: number, salt: number) =>
    Int32Array.from({ length: size }, (_, i) => (i * 7 + salt) % data.train.count);
  const wasmGradients = (w: Float32Array, indices: Int32Array) => {
    const out = new Float32Array(w.length);
    return { loss: task.handPass!(w, indices, 0, out), grads: out };
  };

  it('gives the whole step’s loss and every gradient: batch 1 and 67 (not a multiple of 64)', async () => {
    const pass = await CnnGpuPass.create(device(), data.train, shapes, weights);
    try {
      for (const size of [1, 67]) {
        const indices = batchOf(size, size);
        const want = wasmGradients(weights, indices);
        const got = await pass.gradients(indices);
        assert.ok(got.finite);
        assert.ok(
          Math.abs(got.loss - want.loss) <= 1e-4 * Math.abs(want.loss),
          `batch ${size} loss ${got.loss} vs ${want.loss}`,
        );
        assertClose(got.grads, want.grads, `batch ${size} gradients`);
      }
    } finally {
      pass.dispose();
    }
  });

  it('steps Adam on the GPU as FlatAdam does on the CPU', async () => {
    const pass = await CnnGpuPass.create(device(), data.train, shapes, weights);
    const cpu = weights.slice();
    const adam = new FlatAdam(cpu.length);
    try {
      for (const [step, size] of [5, 33].entries()) {
        const indices = batchOf(size, 11 * step);
        pass.learningRate = adam.learningRate = 2e-3 / (step + 1);
        const expected = wasmGradients(cpu, indices);
        adam.apply(cpu, expected.grads);
        const { loss, finite } = await pass.loss(pass.step(indices));
        assert.ok(finite);
        assert.ok(Math.abs(loss - expected.loss) <= 1e-4 * Math.abs(expected.loss), `step ${step} loss`);
      }
      assertClose(await pass.weights(), cpu, 'weights after two Adam steps');
    } finally {
      pass.dispose();
    }
  });

  it('counts correct test predictions as the tfjs model does, on 301 images', async () => {
    const count = 301; // more than one evaluation chunk's worth of workgroups, and odd
    const test = {
      images: data.test.images.subarray(0, count * 784),
      labels: data.test.labels.subarray(0, count),
      count,
    };
    const pass = await CnnGpuPass.create(device(), data.train, shapes, weights);
    try {
      const want = (await task.evaluate(test)).sum;
      const got = await pass.correct(test);
      // An image whose two top logits differ by float rounding alone could go either way.
      assert.ok(Math.abs(got - want) <= 1, `${got} correct on the GPU, ${want} on wasm`);
      assert.ok(want > 0 && want < count, 'untrained weights get some right, not all');
    } finally {
      pass.dispose();
    }
  });

  it('flags a non-finite step and leaves the weights as they were', async () => {
    const broken = weights.slice();
    // An infinite logit bias makes softmax NaN. (A NaN conv weight would not do: ReLU maps it to 0.)
    broken[broken.length - 1] = Infinity;
    const pass = await CnnGpuPass.create(device(), data.train, shapes, broken);
    try {
      const { finite } = await pass.loss(pass.step(batchOf(4, 1)));
      assert.equal(finite, false);
      const after = await pass.weights();
      const intact = after.every((value, i) => Object.is(value, broken[i]));
      assert.ok(intact, 'no weight changed');
    } finally {
      pass.dispose();
    }
  });
});

describe('mnist-tui train cnn --backend webgpu', { skip: noAdapter }, () => {
  after(() => removeTempDirs());

  it('trains through the WGSL pass, epoch loss for epoch loss as the wasm pass', async () => {
    // Five training and three test images: a software adapter needs seconds per batch.
    const dataDir = writeMnistDir();
    const run = async (backend: string) => {
      const models = mkdtempSync(path.join(tmpdir(), 'mnist-tui-webgpu-'));
      const args = ['train', 'cnn', '--epochs', '2', '--json', '--backend', backend, '--data-dir', dataDir];
      const result = await runCli([...args, '--models-dir', models]);
      rmSync(models, { recursive: true, force: true });
      assert.equal(result.code, 0, result.stderr);
      return jsonLines(result.stdout)
        .filter((event) => event.event === 'epoch')
        .map((event) => Number(event.loss));
    };
    const [gpu, wasm] = [await run('webgpu'), await run('wasm')];
    assert.equal(gpu.length, 2);
    gpu.forEach((loss, epoch) =>
      assert.ok(
        Math.abs(loss - wasm[epoch]) <= 1e-4 * Math.abs(wasm[epoch]),
        `epoch ${epoch + 1}: ${loss} vs ${wasm[epoch]}`,
      ),
    );
  });

  it('says once that it trains without shifts, and records so', async () => {
    const models = mkdtempSync(path.join(tmpdir(), 'mnist-tui-webgpu-'));
    const args = ['train', 'cnn', '--epochs', '1', '--json', '--backend', 'webgpu', '--augment', 'on'];
    const result = await runCli([...args, '--data-dir', writeMnistDir(), '--models-dir', models]);
    assert.equal(result.code, 0, result.stderr);
    const notices = jsonLines(result.stdout).filter((event) => event.event === 'notice');
    assert.deepEqual(
      notices.map((event) => event.message),
      ['the webgpu pass trains the CNN on unshifted images (--augment picks only its initialisation there)'],
    );
    const metadata = JSON.parse(readFileSync(path.join(models, 'cnn', 'metadata.json'), 'utf8'));
    rmSync(models, { recursive: true, force: true });
    assert.deepEqual(metadata.recipe, { maxShift: 0, logitsInit: 'small' });
  });
});
