#!/usr/bin/env node
import meow from 'meow';
import { DEFAULT_BATCH_SIZE, DEFAULT_MODELS_DIR, DEFAULT_SEED, type Config } from './config.js';
import { UsageError, parseBackend, parseLatentPoint, parsePositiveInt } from './commands/flags.js';
import type { GraphicsRequest } from './ui/graphics/index.js';
import { DEFAULT_GRID_SIDE, DEFAULT_MANIFOLD_SIDE, DEFAULT_TOP } from './ml/new-numbers/discovery-config.js';

const cli = meow(
  `
  Usage
    $ mnist-tui                      open the app in this terminal
    $ mnist-tui train <cnn|vae|all>  train and save to the models folder
    $ mnist-tui eval                 test metrics of the saved models
    $ mnist-tui generate --z X,Y     decode one point of the VAE's latent plane
    $ mnist-tui classify FILE.png    the CNN's digit for an image
    $ mnist-tui discover             find new numbers: clean glyphs the CNN cannot name
    $ mnist-tui manifold             a PNG of decoded digits across the latent plane

  Options
    --epochs N        passes over the training set (cnn 10, vae 20)
    --batch-size N    images per step (${DEFAULT_BATCH_SIZE})
    --limit N         train on the first N training images only
    --seed N          seed for weights, shuffling, noise and discover's grid (${DEFAULT_SEED})
    --backend B       auto | tensorflow | webgpu | wasm | cpu (auto)
    --workers N       training threads (the number of cores)
    --data-dir D      folder with the four MNIST IDX files (bundled MNIST if absent)
    --models-dir D    where models are saved and loaded (${DEFAULT_MODELS_DIR})
    --json            one JSON object per line instead of text
    --z X,Y           latent point for generate
    --out FILE.png    write generate's digit to a PNG instead of the terminal;
                      discover's sheet of glyphs; manifold's picture (manifold.png)
    --scale N         PNG upscaling for generate (8)
    --graphics G      how the app draws digits: auto | sixel | blocks | ascii
                      (auto; or set $MNIST_TUI_GRAPHICS)
    --top N           new numbers discover lists (${DEFAULT_TOP})
    --grid G          discover scans a G×G grid of latent points (${DEFAULT_GRID_SIDE})
    --n N             manifold draws N×N digits (${DEFAULT_MANIFOLD_SIDE})

  Examples
    $ mnist-tui train cnn --epochs 1 --limit 5000
    $ mnist-tui generate --z 0.5,-1 --out five.png
    $ mnist-tui classify five.png --json
    $ mnist-tui discover --top 8 --out new-numbers.png
    $ mnist-tui manifold --n 30 --out manifold.png
`,
  {
    importMeta: import.meta,
    allowUnknownFlags: false,
    flags: {
      epochs: { type: 'string' },
      batchSize: { type: 'string' },
      limit: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      workers: { type: 'string' },
      dataDir: { type: 'string' },
      modelsDir: { type: 'string', default: DEFAULT_MODELS_DIR },
      json: { type: 'boolean', default: false },
      z: { type: 'string' },
      out: { type: 'string' },
      scale: { type: 'string' },
      top: { type: 'string' },
      grid: { type: 'string' },
      n: { type: 'string' },
      graphics: { type: 'string' },
    },
  },
);

const { flags, input } = cli;
const io = {
  out: (line: string) => process.stdout.write(line + '\n'),
  err: (line: string) => process.stderr.write(line + '\n'),
  status: (text: string) => process.stderr.isTTY && process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
};

try {
  const optionalInt = (name: string, value: string | undefined) =>
    value === undefined ? undefined : parsePositiveInt(name, value);
  const config: Config = {
    dataDir: flags.dataDir,
    modelsDir: flags.modelsDir,
    limit: optionalInt('--limit', flags.limit),
    seed: flags.seed === undefined ? DEFAULT_SEED : parsePositiveInt('--seed', flags.seed, true),
    backend: parseBackend(flags.backend),
    epochs: optionalInt('--epochs', flags.epochs),
    batchSize: optionalInt('--batch-size', flags.batchSize) ?? DEFAULT_BATCH_SIZE,
    workers: optionalInt('--workers', flags.workers) ?? (await import('node:os')).availableParallelism(),
  };
  const [command, ...args] = input;
  if (command === undefined) {
    const { parseGraphicsRequest, GraphicsModeError } = await import('./ui/graphics/index.js');
    let graphics: GraphicsRequest | undefined;
    try {
      graphics = flags.graphics === undefined ? undefined : parseGraphicsRequest(flags.graphics, '--graphics');
    } catch (error) {
      throw error instanceof GraphicsModeError ? new UsageError(error.message) : error;
    }
    const { isTerminal, NOT_A_TERMINAL } = await import('./ui/terminal/index.js');
    if (!isTerminal(process.stdin, process.stdout)) {
      io.err(NOT_A_TERMINAL);
      process.exitCode = 2;
    } else {
      // React's development build records every render for its profiler, which costs the
      // app most of a frame; it must be chosen before React is first imported.
      process.env.NODE_ENV ??= 'production';
      // Imported only here, so --help and the headless commands never load Ink or the app.
      const { runApp } = await import('./ui/index.js');
      process.exitCode = await runApp(config, { graphics });
    }
  } else {
    const { runCommand } = await import('./commands/index.js');
    process.exitCode = await runCommand(command, args, config, {
      json: flags.json,
      z: flags.z === undefined ? undefined : parseLatentPoint(flags.z),
      out: flags.out,
      scale: optionalInt('--scale', flags.scale) ?? 8,
      top: optionalInt('--top', flags.top),
      grid: optionalInt('--grid', flags.grid),
      n: optionalInt('--n', flags.n),
      io,
    });
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  io.err(`mnist-tui: ${error.message}`);
  io.err('Run mnist-tui --help for usage.');
  process.exitCode = 2;
}
