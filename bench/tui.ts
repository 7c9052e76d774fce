/**
 * Times the terminal app with the real decoder, classifier and renderer:
 *  - cursor key → next frame written (p50/p95/max) in the explorer, per size and graphics mode,
 *    with the certainty map (`u`) being computed and shown, and while the VAE trains in the
 *    background (on a copy of the models, the app's workers on every core);
 *  - start to first frame of `mnist-tui` in a pseudo-terminal (via `script`), and to models loaded,
 *    on the models folder and on an empty one (the shipped models): medians of seven starts each.
 * Uses the models in --models-dir (default ./models); without a VAE there, trains a tiny one
 * (1 epoch on 500 images) into a temporary folder first.
 *
 * The machine's load average is printed first: other work on the machine shows in every number.
 *
 * Usage: node dist/bench/tui.js [--models-dir DIR] [--keys N] [--training-only | --start-only]
 */
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BATCH_SIZE, DEFAULT_SEED, type Config } from '../src/config.js';

// As in the CLI: React's production build, and Ink drawing live even where CI is set.
// Both are read when React and Ink are first imported, so every import of them below is dynamic.
process.env.NODE_ENV ??= 'production';
delete process.env.CI;
const { FakeStdin, FakeStdout } = await import('../test/helpers/tui-harness.js');

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.js');
const RIGHT = '\x1b[C';
const LEFT = '\x1b[D';
/** Longer than a frame at 60 fps, so every key meets an idle renderer, as typing does. */
const KEY_GAP_MS = 40;
const SIZES: [number, number][] = [
  [80, 24],
  [120, 40],
];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TRAINING_LIMIT = 10_000;
const TRAINING_EPOCHS = 3;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function modelsDirWithVae(requested: string): string {
  if (existsSync(path.join(requested, 'vae'))) return requested;
  const dir = mkdtempSync(path.join(tmpdir(), 'mnist-tui-bench-'));
  console.log(`No VAE in ${requested}; training a tiny one into ${dir}…`);
  for (const model of ['vae', 'cnn']) {
    const run = spawnSync(process.execPath, [
      CLI,
      'train',
      model,
      '--epochs',
      '1',
      '--limit',
      '500',
      '--models-dir',
      dir,
    ]);
    if (run.status !== 0) throw new Error(`training failed: ${run.stderr}`);
  }
  return dir;
}

interface Case {
  columns: number;
  rows: number;
  graphics: 'blocks' | 'sixel';
  /** Train the VAE (3 epochs on 10,000 images) while the keys are timed. */
  training?: boolean;
  /** Switch the map to the certainty layer (`u`) just before the keys, so they meet its computation. */
  certainty?: boolean;
}

function copyOf(modelsDir: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnist-tui-bench-train-'));
  cpSync(modelsDir, dir, { recursive: true });
  return dir;
}

/** Key → frame latencies of the explorer, in ms. */
async function keyLatencies(modelsDir: string, { columns, rows, graphics, training, certainty }: Case, keys: number) {
  const { runApp } = await import('../src/ui/index.js');
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  let frameAt = 0;
  let frames = 0;
  const write = stdout.write;
  stdout.write = (data) => {
    // Ink writes each frame in one write, and only frames hold line breaks.
    if (String(data).includes('\n')) {
      frameAt = performance.now();
      frames += 1;
      stdout.emit('frame', String(data));
    }
    // Keep only the latest writes: sixel frames would otherwise pile up.
    stdout.writes.length = 0;
    return write(data);
  };
  const config: Config = {
    dataDir: undefined,
    modelsDir,
    limit: training ? TRAINING_LIMIT : undefined,
    validation: undefined,
    seed: DEFAULT_SEED,
    backend: 'auto',
    epochs: training ? TRAINING_EPOCHS : undefined,
    batchSize: DEFAULT_BATCH_SIZE,
    workers: availableParallelism(),
  };
  const exited = runApp(config, {
    graphics,
    io: {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream,
      env: { TERM: 'xterm-256color' },
      process: new EventEmitter() as NodeJS.Process,
    },
  });
  const started = performance.now();
  let lastFrame = '';
  stdout.on('frame', (frame: string) => (lastFrame = frame));
  while (!lastFrame.includes('test images by digit')) {
    if (performance.now() - started > 60_000) throw new Error('the explorer never finished its map');
    stdin.type('3');
    await sleep(100);
  }
  if (training) {
    stdin.type('v');
    while (!lastFrame.includes('images/s')) await sleep(50);
    stdin.type('3');
  }
  if (certainty) stdin.type('u');
  const latencies: number[] = [];
  const framesBefore = frames;
  const timed = performance.now();
  for (let i = 0; i < keys; i++) {
    await sleep(KEY_GAP_MS);
    const before = frames;
    const sent = performance.now();
    stdin.type(i % 20 < 10 ? RIGHT : LEFT);
    while (frames === before) await sleep(0);
    latencies.push(frameAt - sent);
  }
  // Frames the keys did not ask for: background progress, which a key may meet.
  const backgroundPerSecond = ((frames - framesBefore - keys) * 1000) / (performance.now() - timed);
  stdin.type('q');
  await exited;
  return { ms: latencies.sort((a, b) => a - b), backgroundPerSecond };
}

/** Milliseconds from spawning `mnist-tui` in a pseudo-terminal to its first frame and to its models being shown. */
async function startTimes(modelsDir: string): Promise<{ firstFrame: number; modelsShown: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', MNIST_TUI_GRAPHICS: 'blocks' };
  // Ink draws nothing live when it believes it runs in CI.
  delete env.CI;
  const command = `stty cols 80 rows 24; exec ${process.execPath} ${CLI} --models-dir ${modelsDir}`;
  const started = performance.now();
  const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  let firstFrame = 0;
  let modelsShown = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no models shown after 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (firstFrame === 0 && output.includes('[1 Models]')) firstFrame = performance.now() - started;
      // Escape codes sit between the words, so look at the text alone.
      if (modelsShown === 0 && /VAE\s+(pre)?trained/.test(output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))) {
        modelsShown = performance.now() - started;
        clearTimeout(timer);
        child.stdin.write('q');
        resolve();
      }
    });
  });
  await new Promise((resolve) => child.on('close', resolve));
  return { firstFrame, modelsShown };
}

/** Start times, one start at a time, on `modelsDir` and on an empty folder; the median of each since a start varies. */
async function startRuns(modelsDir: string, runs = 7): Promise<void> {
  const empty = mkdtempSync(path.join(tmpdir(), 'mnist-tui-bench-fresh-'));
  for (const [what, dir] of [
    [modelsDir, modelsDir],
    ['empty models folder (pretrained)', empty],
  ] as const) {
    const times: { firstFrame: number; modelsShown: number }[] = [];
    for (let i = 0; i < runs; i++) times.push(await startTimes(dir));
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(0);
    console.log(
      `${what}: start → first frame median ${median(times.map((t) => t.firstFrame))} ms, → models shown median ` +
        `${median(times.map((t) => t.modelsShown))} ms (${runs} starts: ` +
        `${times.map((t) => `${t.firstFrame.toFixed(0)}/${t.modelsShown.toFixed(0)}`).join(', ')})`,
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  const modelsDir = modelsDirWithVae(flag('--models-dir') ?? 'models');
  const keys = Number(flag('--keys') ?? 200);
  console.log(`models: ${modelsDir}, ${keys} keys per case, node ${process.version}`);
  const load = loadavg().map((v) => v.toFixed(2));
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; load average ${load.join(' ')}`);
  if (args.includes('--start-only')) {
    await startRuns(modelsDir);
    return;
  }
  const training: Case = { columns: 80, rows: 24, graphics: 'blocks', training: true };
  const cases: Case[] = args.includes('--training-only')
    ? [training]
    : [
        ...(['blocks', 'sixel'] as const).flatMap((graphics) =>
          SIZES.map(([columns, rows]) => ({ columns, rows, graphics })),
        ),
        { columns: 120, rows: 40, graphics: 'blocks', certainty: true },
        training,
      ];
  for (const c of cases) {
    // Training saves into its models folder, so it gets a copy.
    const dir = c.training ? copyOf(modelsDir) : modelsDir;
    const { ms, backgroundPerSecond } = await keyLatencies(dir, c, keys);
    const f = (v: number) => v.toFixed(1).padStart(5);
    const what = `${c.graphics.padEnd(6)} ${c.columns}×${c.rows}${c.certainty ? ', certainty map' : ''}${c.training ? ', VAE training' : ''}`;
    console.log(
      `key → frame ${what}: p50 ${f(percentile(ms, 50))} ms  p95 ${f(percentile(ms, 95))} ms  max ${f(ms.at(-1)!)} ms` +
        `  (other frames ${backgroundPerSecond.toFixed(1)}/s)`,
    );
  }
  if (args.includes('--training-only')) return;
  await startRuns(modelsDir);
}

await main();
