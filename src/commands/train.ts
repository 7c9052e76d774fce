import { DEFAULT_EPOCHS, type Config, type ModelName } from '../config.js';
import { loadMnist } from '../data/index.js';
import { trainModel, type TrainEvent } from '../ml/index.js';
import { UsageError } from './flags.js';
import type { CommandOptions } from './io.js';
import { epochLine, progressLine } from './progress.js';

const TARGETS: Record<string, ModelName[]> = { cnn: ['cnn'], vae: ['vae'], all: ['cnn', 'vae'] };

/**
 * `mnist-tui train <cnn|vae|all>`. The first Ctrl-C (or SIGTERM/SIGHUP) stops after the
 * current batch keeping the last completed epoch; a second one quits at once, which is
 * safe because saves are atomic. Each model's run takes the models folder's lock (see
 * `trainModel`), so `train all` takes it again for the VAE: a run started in between gets
 * the folder, and the VAE is then refused in one line rather than mixed with it.
 */
export async function trainCommand(args: string[], config: Config, { io, json }: CommandOptions): Promise<number> {
  const [target, ...extra] = args;
  const models = TARGETS[target ?? ''];
  if (models === undefined || extra.length > 0) {
    throw new UsageError(`train needs one of cnn, vae or all${target ? `, got "${args.join(' ')}"` : ''}`);
  }
  if (config.binarize === true && !models.includes('vae')) throw new UsageError('--binarize is for the VAE only');
  const data = await loadMnist({ dataDir: config.dataDir, limit: config.limit, validation: config.validation });
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    if (!json) io.err('\nStopping after this batch (again to quit now)...');
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  signals.forEach((s) => process.on(s, stop));
  try {
    for (const model of models) {
      const epochs = config.epochs ?? DEFAULT_EPOCHS[model];
      await trainModel(data, {
        model,
        epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        modelsDir: config.modelsDir,
        workers: config.workers,
        backend: config.backend,
        binarize: config.binarize,
        augment: config.augment,
        signal: controller.signal,
        onEvent: json ? jsonReporter(io.out) : textReporter(io, epochs),
        onNotice: (message) =>
          json ? io.out(JSON.stringify({ event: 'notice', message })) : io.err(`mnist-tui: ${message}`),
      });
      if (controller.signal.aborted) return 130;
    }
    return 0;
  } finally {
    signals.forEach((s) => process.off(s, stop));
  }
}

function jsonReporter(out: (line: string) => void) {
  return (event: TrainEvent) => {
    if (event.event !== 'batch') out(JSON.stringify(event));
  };
}

function textReporter(io: CommandOptions['io'], epochs: number) {
  return (event: TrainEvent) => {
    if (event.event === 'start') {
      io.err(
        `Training ${event.model} on ${event.trainImages} images, backend ${event.backend}` +
          (event.adapter ? ` on ${event.adapter.name} (${event.adapter.software ? 'software' : 'GPU'})` : '') +
          `, ${event.workers} worker(s)`,
      );
    }
    if (event.event === 'batch') io.status(`\r\x1b[2K${progressLine(event, epochs)}`);
    if (event.event === 'epoch') {
      if (io.isTTY) io.status('\r\x1b[2K');
      io.out(epochLine(event));
    }
    if (event.event === 'done') {
      const how = event.stopped ? 'stopped' : 'done';
      io.out(`${event.model} ${how} after ${event.epochs} epoch(s), ${event.seconds.toFixed(1)} s`);
    }
  };
}
