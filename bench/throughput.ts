import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_EPOCHS, type Augment, type BackendName, type ModelName } from '../src/config.js';
import { gatherNormalised, gatherUnit, shuffledBatches, type Mnist } from '../src/data/index.js';
import { createLocalEngine, createWorkerEngine, type TrainEngine } from '../src/ml/engine/index.js';
import { runEpochLoop } from '../src/ml/epoch-loop.js';
import { createClassifier, createVae, initBackend } from '../src/ml/index.js';
import { cnnRecipe } from '../src/ml/cnn-recipe.js';

/** Steps whose time is not counted: the first ones pay for allocation and warm-up. */
const WARMUP_STEPS = 3;

export interface Measurement {
  imagesPerSecond: number;
  images: number;
  seconds: number;
}

/** Epochs planned for a timed run: more than any time budget reaches, so the clock ends it. */
const OPEN_ENDED_EPOCHS = 1000;

/**
 * Trains through the app's own epoch loop on real shuffled batches for about `seconds` (at
 * least one step after the warm-up) and times the steps after the warm-up. The CNN trains on
 * the recipe `augment` picks for a default-length run (shifted images unless `off`), as
 * `mnist-tui train cnn` does.
 */
export async function measureTraining(
  data: Mnist,
  model: ModelName,
  options: {
    backend: BackendName;
    workers: number;
    batchSize: number;
    seconds: number;
    warmup?: number;
    augment?: Augment;
  },
): Promise<Measurement> {
  const recipe = model === 'cnn' ? cnnRecipe(options.augment ?? 'auto', DEFAULT_EPOCHS.cnn) : undefined;
  const engineOptions = { model, seed: 1, backend: options.backend, recipe };
  const engine: TrainEngine =
    options.workers > 1
      ? await createWorkerEngine(data, { ...engineOptions, workers: options.workers })
      : await createLocalEngine(data, engineOptions);
  try {
    const warmup = options.warmup ?? WARMUP_STEPS;
    const timeUp = new AbortController();
    let images = 0;
    let start = performance.now();
    let end = start;
    const { batchSize } = options;
    await runEpochLoop(
      engine,
      { model, epochs: OPEN_ENDED_EPOCHS, batchSize, seed: 1, trainImages: data.train.count },
      {
        signal: timeUp.signal,
        afterBatch({ step, images: batch }) {
          end = performance.now();
          if (step <= warmup) {
            start = end;
            return;
          }
          images += batch;
          if (end - start >= options.seconds * 1000) timeUp.abort();
        },
      },
    );
    const seconds = (end - start) / 1000;
    return { imagesPerSecond: images / seconds, images, seconds };
  } finally {
    await engine.dispose();
  }
}

/** Forward passes only (the CNN's logits, the VAE's encode + decode), in this thread. */
export async function measureInference(
  data: Mnist,
  model: ModelName,
  options: { backend: BackendName; batchSize: number; seconds: number },
): Promise<Measurement> {
  await initBackend(options.backend);
  const batches = shuffledBatches(data.test.count, options.batchSize, 1, 1);
  const forward = model === 'cnn' ? cnnForward() : vaeForward();
  let next = 0;
  for (let i = 0; i < WARMUP_STEPS; i++) forward(batches[next++ % batches.length]);
  let images = 0;
  const start = performance.now();
  do {
    const batch = batches[next++ % batches.length];
    forward(batch);
    images += batch.length;
  } while (performance.now() - start < options.seconds * 1000);
  const seconds = (performance.now() - start) / 1000;
  return { imagesPerSecond: images / seconds, images, seconds };

  function cnnForward() {
    const cnn = createClassifier(1);
    return (indices: Int32Array) =>
      tf.tidy(() => {
        const x = tf.tensor4d(gatherNormalised(data.test, indices), [indices.length, 28, 28, 1]);
        (cnn.apply(x) as tf.Tensor).dataSync();
      });
  }

  function vaeForward() {
    const vae = createVae({ latentDim: 2, seed: 1 });
    return (indices: Int32Array) =>
      tf.tidy(() => {
        const x = tf.tensor2d(gatherUnit(data.test, indices), [indices.length, 784]);
        const [mu] = vae.encoder.apply(x) as tf.Tensor[];
        (vae.decoder.apply(mu) as tf.Tensor).dataSync();
      });
  }
}
