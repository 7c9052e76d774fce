/**
 * Times training steps (forward + backward via tf.variableGrads + Adam) on the wasm backend with
 * our training kernels, single-threaded, and lists the kernels that take the time.
 *
 * Usage: node dist/bench/kernels.js [cnn|vae] [batch=128] [steps=20]
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { classifierLoss, createClassifier } from '../src/ml/cnn.js';
import { registerWasmTrainingKernels } from '../src/ml/kernels/index.js';
import { createVae, vaeLoss } from '../src/ml/vae.js';

const IMAGE_SIDE = 28;
const LATENT_DIM = 2;
const WARMUP_STEPS = 2;
const TOP_KERNELS = 12;

/** A loss over fixed random data, closed over a freshly built model. */
function lossFor(model: string, batch: number): () => tf.Scalar {
  if (model === 'cnn') {
    const cnn = createClassifier(1);
    const images = tf.randomUniform([batch, IMAGE_SIDE, IMAGE_SIDE, 1], 0, 1, 'float32', 7); // [batch, 28, 28, 1]
    const labels = tf.randomUniform([batch], 0, 10, 'int32', 8) as tf.Tensor1D; // [batch]
    return () => classifierLoss(cnn.apply(images, { training: true }) as tf.Tensor2D, labels);
  }
  if (model === 'vae') {
    const vae = createVae({ latentDim: LATENT_DIM, seed: 1 });
    const images = tf.randomUniform([batch, IMAGE_SIDE * IMAGE_SIDE], 0, 1, 'float32', 7) as tf.Tensor2D; // [batch, 784]
    const noise = tf.randomNormal([batch, LATENT_DIM], 0, 1, 'float32', 8) as tf.Tensor2D; // [batch, 2]
    return () => vaeLoss(vae, images, noise);
  }
  throw new Error(`unknown model "${model}": use cnn or vae`);
}

async function main(): Promise<void> {
  const [model = 'cnn', batchArg = '128', stepsArg = '20'] = process.argv.slice(2);
  const batch = Number(batchArg);
  const steps = Number(stepsArg);
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');

  const loss = lossFor(model, batch);
  const optimizer = tf.train.adam(1e-3);
  const step = (): number =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss);
      // Gradients are plain tensors; Adam reads them as such despite the Variable-typed signature.
      optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
      return value.dataSync()[0];
    });

  for (let i = 0; i < WARMUP_STEPS; i++) step();
  const tensorsBefore = tf.memory().numTensors;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    step();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  // Other processes may share these cores: the median is typical, the best is closest to this
  // code's own speed, and CPU time (one thread) shows how much of the wall time was ours.
  const rate = (ms: number) => ((batch * 1000) / ms).toFixed(0);
  const best = Math.min(...wall);
  console.log(
    `${model}, batch ${batch}, ${steps} steps: median ${median(wall).toFixed(1)} ms (${rate(median(wall))} images/s), ` +
      `best ${best.toFixed(1)} ms (${rate(best)} images/s), median CPU ${median(cpu).toFixed(1)} ms (${rate(median(cpu))} images/s)`,
  );
  console.log(`tensors leaked per step: ${(tf.memory().numTensors - tensorsBefore) / steps}`);

  const profile = await tf.profile(() => {
    step();
  });
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  const total = [...byKernel.values()].reduce((s, t) => s + t, 0);
  console.log(
    `profiled step (tf.profile, slower than unprofiled): ${total.toFixed(1)} ms in ${profile.kernels.length} kernel calls`,
  );
  for (const [name, ms] of [...byKernel].sort((p, q) => q[1] - p[1]).slice(0, TOP_KERNELS)) {
    console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms ${((100 * ms) / total).toFixed(0).padStart(3)}%`);
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((p, q) => p - q);
  return sorted[Math.floor(sorted.length / 2)];
}

await main();
