/**
 * Fakes for testing the terminal app without a terminal or TensorFlow.js:
 * terminal streams, ML services that answer the same way every time, a
 * trainer whose events the test scripts, and a file-based snapshot check.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink';
import type { ReactElement } from 'react';
import type { Config, ModelName } from '../../src/config.js';
import type { DigitSet, Mnist } from '../../src/data/index.js';
import type { ModelMetadata, SessionOptions, TestMetrics, TrainEvent } from '../../src/ml/index.js';
import { App, createController, createStore, initialState, type AppServices, type Display } from '../../src/ui/app/index.js';
import { graphicsLayer, type LayerItem } from '../../src/ui/views/index.js';

const SIDE = 28;
const SIZE = SIDE * SIDE;

/** A writable terminal: records what is written, and has a size that can change. */
export class FakeStdout extends EventEmitter {
  isTTY = true;
  writable = true;
  writes: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (data: string | Uint8Array): boolean => {
    this.writes.push(String(data));
    return true;
  };
  /** All output so far, as one string. */
  get text(): string {
    return this.writes.join('');
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** A readable terminal: `type` delivers input the way a tty does, in the chunks given. */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  rawMode = false;
  rawModeCalls: boolean[] = [];
  private queue: string[] = [];
  setRawMode(on: boolean) {
    this.rawMode = on;
    this.rawModeCalls.push(on);
    return this;
  }
  setEncoding() {
    return this;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }
  resume() {
    return this;
  }
  pause() {
    return this;
  }
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  type(...chunks: string[]): void {
    for (const chunk of chunks) {
      this.queue.push(chunk);
      this.emit('readable');
      this.emit('data', chunk);
    }
  }
}

/** Renders `node` with Ink into a fake terminal of the given size, one whole frame per write. */
export function renderInk(node: ReactElement, columns: number, rows: number) {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(columns, rows);
  const instance = render(node, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { instance, stdout, stdin, lastFrame: () => stdout.writes.at(-1) ?? '' };
}

const ANSI = /\x1b(?:\[[0-9;?<]*[ -/]*[@-~]|\][^\x07]*\x07|[78])/g;

/** `text` without escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * What the screen shows: Ink's frame with the pictures of the graphics layer
 * laid over the boxes left for them (sixel digits stay blank), no colours,
 * no trailing spaces.
 */
export function composeScreen(frame: string, layer: LayerItem[], rows: number): string {
  const lines = stripAnsi(frame).split('\n').slice(0, rows).map((line) => [...line]);
  while (lines.length < rows) lines.push([]);
  for (const item of layer) {
    if (item.kind !== 'text') continue;
    item.lines.forEach((text, r) => {
      const line = lines[item.row + r];
      if (line === undefined) return;
      while (line.length < item.col) line.push(' ');
      [...stripAnsi(text)].forEach((c, i) => (line[item.col + i] = c));
    });
  }
  return lines.map((line) => line.join('').trimEnd()).join('\n');
}

const SNAPSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/__snapshots__');

/**
 * Compares `actual` with `test/__snapshots__/NAME.txt`; with
 * UPDATE_SNAPSHOTS=1 it writes the file instead.
 */
export function assertSnapshot(name: string, actual: string): void {
  const file = path.join(SNAPSHOT_DIR, `${name}.txt`);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    writeFileSync(file, actual + '\n');
    return;
  }
  assert.ok(existsSync(file), `no snapshot ${file}; run the tests with UPDATE_SNAPSHOTS=1 to write it`);
  assert.equal(actual, readFileSync(file, 'utf8').replace(/\n$/, ''), `snapshot ${name} differs`);
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

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
  const image = new Uint8Array(SIZE);
  const cx = 6 + (label % 5) * 4 + (variant % 3);
  const cy = 8 + Math.floor(label / 5) * 10 + (variant % 2);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const d = Math.hypot(x - cx, y - cy);
      image[y * SIDE + x] = d < 4 ? 255 - Math.round(d * 40) : 0;
    }
  }
  return image;
}

function digitSet(count: number): DigitSet {
  const images = new Uint8Array(count * SIZE);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    images.set(blobImage(i % 10, Math.floor(i / 10)), i * SIZE);
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
  for (let i = 0; i < SIZE; i++) {
    mass += pixels[i]!;
    x += pixels[i]! * (i % SIDE);
    y += pixels[i]! * Math.floor(i / SIDE);
  }
  return mass === 0 ? [SIDE / 2, SIDE / 2] : [x / mass, y / mass];
}

/** A ring centred according to `z`: moving the cursor visibly moves the digit. */
export function fakeDecode(points: Float32Array): Float32Array {
  const out = new Float32Array((points.length / 2) * SIZE);
  for (let n = 0; n < points.length / 2; n++) {
    const cx = 14 + points[2 * n]! * 2.5;
    const cy = 14 - points[2 * n + 1]! * 2.5;
    for (let i = 0; i < SIZE; i++) {
      const d = Math.hypot((i % SIDE) - cx, Math.floor(i / SIDE) - cy);
      out[n * SIZE + i] = Math.max(0, 1 - Math.abs(d - 5) / 2);
    }
  }
  return out;
}

/** Encodes an image by where its ink sits: fake, but spread out and repeatable. */
function fakeEncode(images: Float32Array): Float32Array {
  const count = images.length / SIZE;
  const out = new Float32Array(count * 2);
  for (let n = 0; n < count; n++) {
    const [x, y] = centreOfInk(images.subarray(n * SIZE, (n + 1) * SIZE));
    out[2 * n] = (x - 14) / 3.5;
    out[2 * n + 1] = (14 - y) / 3.5;
  }
  return out;
}

/** Reads the digit from the column of the centre of ink, sure in proportion to the ink. */
function fakeClassify(pixels: Float32Array): Float32Array {
  const count = pixels.length / SIZE;
  const out = new Float32Array(count * 10);
  for (let n = 0; n < count; n++) {
    const image = pixels.subarray(n * SIZE, (n + 1) * SIZE);
    const digit = Math.min(9, Math.max(0, Math.floor(centreOfInk(image)[0] / 2.8)));
    out.fill(0.02, n * 10, n * 10 + 10);
    out[n * 10 + digit] = 0.82;
  }
  return out;
}

/** A scripted training session: the test emits its events and decides how it ends. */
export interface FakeSession {
  options: SessionOptions;
  calls: string[];
  paused: boolean;
  emit(event: TrainEvent): void;
  finish(metrics?: TestMetrics): void;
  fail(error: Error): void;
}

/** Fake services over a fake models folder that trained sessions write to. */
export function fakeServices(saved: Partial<Record<ModelName, ModelMetadata>> = {}) {
  const sessions: FakeSession[] = [];
  let disposed = 0;
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
  };
  return { services, sessions, saved, disposed: () => disposed };
}

/** The config fields the controller reads, as a test sets them. */
export const TEST_CONFIG: Pick<Config, 'epochs' | 'batchSize' | 'seed' | 'modelsDir' | 'workers' | 'backend'> = {
  epochs: undefined,
  batchSize: 128,
  seed: 42,
  modelsDir: 'models',
  workers: 1,
  backend: 'auto',
};

/** Half blocks in 256 colours, as in most terminals. */
export const BLOCKS: Display = { graphics: 'blocks', depth: '256', colour: true, cell: { width: 6, height: 12 }, tmux: false };

/**
 * The whole app over fake services, rendered into a fake terminal, started
 * (and with its latent map encoded when a VAE is saved).
 */
export async function startApp(
  options: { saved?: Partial<Record<ModelName, ModelMetadata>>; columns?: number; rows?: number; display?: Display } = {},
) {
  const { columns = 80, rows = 24, display = BLOCKS } = options;
  const fakes = fakeServices(options.saved);
  const store = createStore(initialState({ columns, rows }, display, 'models'));
  const controller = createController({ store, services: fakes.services, config: TEST_CONFIG });
  const ink = renderInk(<App store={store} controller={controller} />, columns, rows);
  await controller.boot();
  if (options.saved?.vae) await waitFor(() => store.getState().explorer.encoded === 300, 'the latent map');
  return {
    ...ink,
    ...fakes,
    store,
    controller,
    /** What the screen shows once React has rendered what happened so far, as text. */
    screen: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return composeScreen(ink.lastFrame(), graphicsLayer(store.getState()), rows - 1);
    },
  };
}
