/**
 * Testing the terminal app without a terminal: fake terminal streams, the
 * app rendered into them over fake services, what the screen shows as text,
 * and a file-based snapshot check.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { render, type Instance } from 'ink';
import type { ReactElement } from 'react';
import type { Config, ModelName } from '../../src/config.js';
import type { ModelMetadata } from '../../src/ml/index.js';
import type { NamedNumber } from '../../src/ml/new-numbers/index.js';
import { App, createController } from '../../src/ui/app/index.js';
import type { AppServices } from '../../src/ui/background/index.js';
import { createStore, initialState, type AppState, type Display } from '../../src/ui/state/index.js';
import { graphicsLayer, Screen, type LayerItem } from '../../src/ui/views/index.js';
import { fakeServices } from './tui-fake-services.js';

export { fakeCandidates, fakeServices, metadataFor, FAKE_CANDIDATES, type FakeSession } from './tui-fake-services.js';

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

/** Every Ink instance `renderInk` mounted that `unmountAll` has not unmounted yet. */
const mounted = new Set<Instance>();

/**
 * Unmounts everything `renderInk` and `startApp` mounted, so no app keeps running into the next
 * test: each TUI test file runs it after each test, or after all of them.
 */
export function unmountAll(): void {
  for (const instance of mounted) instance.unmount();
  mounted.clear();
}

/** Renders `node` with Ink into a fake terminal of the given size, one whole frame per write; see `unmountAll`. */
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
  mounted.add(instance);
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
  const lines = stripAnsi(frame)
    .split('\n')
    .slice(0, rows)
    .map((line) => [...line]);
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

/** What the screen shows for `state` alone, as text; `raw` keeps the escape codes and leaves graphics out. */
export function screenOf(state: AppState, raw = false): string {
  const { lastFrame } = renderInk(<Screen state={state} />, state.size.columns, state.size.rows);
  return raw ? lastFrame() : composeScreen(lastFrame(), graphicsLayer(state), state.size.rows - 1);
}

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
export const BLOCKS: Display = {
  graphics: 'blocks',
  depth: '256',
  colour: true,
  cell: { width: 6, height: 12 },
  tmux: false,
};

/**
 * The whole app over fake services, rendered into a fake terminal, started
 * (and with its latent map encoded when a VAE is saved).
 */
export async function startApp(
  options: {
    saved?: Partial<Record<ModelName, ModelMetadata>>;
    /** Numbers the fake names store holds at the start. */
    named?: NamedNumber[];
    /** Real services in place of some fakes. */
    services?: Partial<AppServices>;
    modelsDir?: string;
    /** Where recorded walks are saved. */
    walkDir?: string;
    columns?: number;
    rows?: number;
    display?: Display;
  } = {},
) {
  const { columns = 80, rows = 24, display = BLOCKS, modelsDir = 'models' } = options;
  const fakes = fakeServices(options.saved, options.named);
  const services = { ...fakes.services, ...options.services };
  const store = createStore(initialState({ columns, rows }, display, modelsDir));
  const controller = createController({
    store,
    services,
    config: { ...TEST_CONFIG, modelsDir },
    walkDir: options.walkDir,
  });
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
