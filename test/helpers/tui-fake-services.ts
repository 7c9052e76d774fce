/**
 * Machine-learning services that answer at once and the same way every
 * time, over fake MNIST blobs, a trainer whose events the test scripts, a
 * scan for new numbers with fixed candidates and an in-memory names store.
 */
import type { ModelName } from '../../src/config.js';
import { IMAGE_PIXELS, IMAGE_SIDE, unitView, type DigitSet, type Mnist } from '../../src/data/index.js';
import type { ModelMetadata, SessionOptions, TestMetrics, TrainEvent } from '../../src/ml/index.js';
import type { NamedNumber, NewNumberCandidate } from '../../src/ml/new-numbers/index.js';
import { analyseClassifier } from '../../src/ml/analysis/index.js';
import type { AppServices, ScanOptions } from '../../src/ui/background/index.js';
// The walk on its own: the folder's index would load TensorFlow.js.
import { saveWalkGif } from '../../src/ml/latent-walk.js';

/** Metadata as a finished run writes it, at a fixed date so frames repeat. */
export function metadataFor(model: ModelName, epochs = 3, planned = epochs): ModelMetadata {
  return {
    model,
    dataset: 'fake digits',
    trainImages: 600,
    epochs,
    epochsPlanned: planned,
    batchSize: 128,
    seed: 42,
    backend: 'fake',
    workers: 1,
    metrics: model === 'cnn' ? { testAccuracy: 0.9876 } : { testNegElbo: 143.21 },
    lossHistory: Array.from({ length: epochs }, (_, i) => 1 / (i + 1)),
    date: '2026-01-02T03:04:05.000Z',
  };
}

/** A digit-like blob whose place depends on `label`, so fake encodings spread by digit. */
function blobImage(label: number, variant: number): Uint8Array {
  const image = new Uint8Array(IMAGE_PIXELS);
  const cx = 6 + (label % 5) * 4 + (variant % 3);
  const cy = 8 + Math.floor(label / 5) * 10 + (variant % 2);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const d = Math.hypot(x - cx, y - cy);
      image[y * IMAGE_SIDE + x] = d < 4 ? 255 - Math.round(d * 40) : 0;
    }
  }
  return image;
}

function digitSet(count: number): DigitSet {
  const images = new Uint8Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    images.set(blobImage(i % 10, Math.floor(i / 10)), i * IMAGE_PIXELS);
  }
  return { images, labels, count };
}

/** Fake MNIST: 600 training and 300 test blobs. */
export function fakeMnist(): Mnist {
  return { train: digitSet(600), test: digitSet(300), source: 'fake digits' };
}

/** The centre of ink of `pixels` [784], in pixels. */
function centreOfInk(pixels: Float32Array): [number, number] {
  let mass = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    mass += pixels[i]!;
    x += pixels[i]! * (i % IMAGE_SIDE);
    y += pixels[i]! * Math.floor(i / IMAGE_SIDE);
  }
  return mass === 0 ? [IMAGE_SIDE / 2, IMAGE_SIDE / 2] : [x / mass, y / mass];
}

/** A ring centred according to `z`: moving the cursor visibly moves the digit. */
function fakeDecode(points: Float32Array): Float32Array {
  const out = new Float32Array((points.length / 2) * IMAGE_PIXELS);
  for (let n = 0; n < points.length / 2; n++) {
    const cx = 14 + points[2 * n]! * 2.5;
    const cy = 14 - points[2 * n + 1]! * 2.5;
    for (let i = 0; i < IMAGE_PIXELS; i++) {
      const d = Math.hypot((i % IMAGE_SIDE) - cx, Math.floor(i / IMAGE_SIDE) - cy);
      out[n * IMAGE_PIXELS + i] = Math.max(0, 1 - Math.abs(d - 5) / 2);
    }
  }
  return out;
}

/** Encodes an image by where its ink sits: fake, but spread out and repeatable. */
function fakeEncode(images: Float32Array): Float32Array {
  const count = images.length / IMAGE_PIXELS;
  const out = new Float32Array(count * 2);
  for (let n = 0; n < count; n++) {
    const [x, y] = centreOfInk(images.subarray(n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS));
    out[2 * n] = (x - 14) / 3.5;
    out[2 * n + 1] = (14 - y) / 3.5;
  }
  return out;
}

/** Reads the digit from the column of the centre of ink, sure in proportion to the ink. */
function fakeClassify(pixels: Float32Array): Float32Array {
  const count = pixels.length / IMAGE_PIXELS;
  const out = new Float32Array(count * 10);
  for (let n = 0; n < count; n++) {
    const image = pixels.subarray(n * IMAGE_PIXELS, (n + 1) * IMAGE_PIXELS);
    const digit = Math.min(9, Math.max(0, Math.floor(centreOfInk(image)[0] / 2.8)));
    out.fill(0.02, n * 10, n * 10 + 10);
    out[n * 10 + digit] = 0.82;
  }
  return out;
}

/** The fake VAE's test −ELBO split, adding up to the 143.21 nats of its metadata. */
export const FAKE_RECONSTRUCTION_NATS = 131.5;
export const FAKE_KL_NATS = 11.71;

/** How many candidates the fake scan finds: more than one 80×24 page holds. */
export const FAKE_CANDIDATES = 12;

/** Candidates on a 4-wide grid of the plane, scores falling, so every frame and cursor is the same. */
export function fakeCandidates(): NewNumberCandidate[] {
  return Array.from({ length: FAKE_CANDIDATES }, (_, i) => ({
    z: [-2.4 + (i % 4) * 1.6, 1.8 - Math.floor(i / 4) * 1.5] as [number, number],
    guesses: [
      { digit: i % 10, probability: 0.31 + i / 100 },
      { digit: (i + 3) % 10, probability: 0.22 },
    ],
    decisiveShare: 0.9,
    inkMass: 100,
    drift: 0.05,
    score: 0.9 - i / 20,
  }));
}

/** The time the fake store names numbers at, so frames repeat. */
const NAMED_AT = '2026-01-05T06:07:00.000Z';

/** A scripted training session: the test emits its events and decides how it ends. */
export interface FakeSession {
  options: SessionOptions;
  calls: string[];
  paused: boolean;
  emit(event: TrainEvent): void;
  finish(metrics?: TestMetrics): void;
  fail(error: Error): void;
}

/** Fake services over a fake models folder that trained sessions write to, and `named` numbers saved before. */
export function fakeServices(saved: Partial<Record<ModelName, ModelMetadata>> = {}, named: NamedNumber[] = []) {
  const sessions: FakeSession[] = [];
  const scans: ScanOptions[] = [];
  let disposed = 0;
  const step = () => new Promise<void>((resolve) => setImmediate(resolve));
  const services: AppServices = {
    initBackend: async () => 'fake',
    loadData: async () => fakeMnist(),
    loadClassifier: async () =>
      saved.cnn && { metadata: saved.cnn, classify: fakeClassify, dispose: () => void (disposed += 1) },
    loadVae: async () =>
      saved.vae && { metadata: saved.vae, decode: fakeDecode, encode: fakeEncode, dispose: () => void (disposed += 1) },
    trainer(_data, options) {
      let settle: (metrics: TestMetrics) => void = () => {};
      let reject: (error: Error) => void = () => {};
      const done = new Promise<TestMetrics>((resolve, fail) => {
        settle = resolve;
        reject = fail;
      });
      const session: FakeSession & { pause(): void; resume(): void; cancel(): void; done: Promise<TestMetrics> } = {
        options,
        calls: [],
        paused: false,
        emit: (event) => {
          if (event.event === 'epoch') saved[options.model] = metadataFor(options.model, event.epoch, options.epochs);
          options.onEvent(event);
        },
        finish: (metrics = {}) => settle(metrics),
        fail: (error) => reject(error),
        pause() {
          session.calls.push('pause');
          session.paused = true;
        },
        resume() {
          session.calls.push('resume');
          session.paused = false;
        },
        // Like the real one, cancelling only asks: `done` settles when the test calls `finish`,
        // as the real one does once the current batch has ended.
        cancel() {
          session.calls.push('cancel');
        },
        done,
      };
      sessions.push(session);
      return session;
    },
    async discoverNewNumbers(_models, test, options) {
      scans.push(options);
      for (let done = 100; done <= test.count; done += 100) {
        options.onProgress({ stage: 'encoding', done, total: test.count });
        await step();
      }
      const points = options.gridSide ** 2;
      for (let quarter = 1; quarter <= 4; quarter++) {
        options.onProgress({ stage: 'scanning', done: (points * quarter) / 4, total: points });
        await step();
      }
      return { candidates: fakeCandidates(), points };
    },
    // The real analysis of what the handle answers, in slices of 100 like the real one.
    async analyseClassifier(classifier, test, { top, onProgress }) {
      const probabilities = new Float32Array(test.count * 10);
      for (let start = 0; start < test.count; start += 100) {
        const size = Math.min(100, test.count - start);
        probabilities.set(classifier.classify(unitView(test, start, size)), start * 10);
        onProgress(start + size, test.count);
        await step();
      }
      return analyseClassifier(probabilities, test, top);
    },
    // Fixed terms; the examples are the handle's decoding of its encoding, as the real one draws them.
    async analyseVae(vae, test, { examples, onProgress }) {
      onProgress(test.count, test.count);
      await step();
      return {
        count: test.count,
        reconstructionNats: FAKE_RECONSTRUCTION_NATS,
        klNats: FAKE_KL_NATS,
        examples: Array.from({ length: Math.min(examples, 10) }, (_, digit) => {
          const original = unitView(test, digit, 1);
          return { label: test.labels[digit]!, original, reconstruction: vae.decode(vae.encode(original)) };
        }),
      };
    },
    loadNamedNumbers: async () => [...named],
    async saveNamedNumber(entry) {
      const name = entry.name.trim();
      if (name === '') throw new Error('a new number needs a name');
      if (named.some((n) => n.name.toLowerCase() === name.toLowerCase()))
        throw new Error(`the name "${name}" is taken`);
      named.push({ name, z: [entry.z[0], entry.z[1]], vae: entry.vae, cnn: entry.cnn, namedAt: NAMED_AT });
      return [...named];
    },
    // The real GIF writer over the fake models: what the app saves is a GIF a test can decode.
    saveWalk: ({ vae, classifier }, waypoints, file, options) =>
      saveWalkGif(file, { decode: vae.decode, classify: classifier.classify }, waypoints, options),
  };
  return { services, sessions, saved, scans, named, disposed: () => disposed };
}
