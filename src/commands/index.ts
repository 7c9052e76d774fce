import type { Config } from '../config.js';
import { DataError } from '../data/index.js';
import { ImageError } from '../data/png-digit.js';
import { FileWriteError } from '../files/index.js';
import { BackendError, ModelFileError, ModelsDirError, TrainingError } from '../ml/index.js';
import { classifyCommand } from './classify.js';
import { discoverCommand, type DiscoverFlags } from './discover.js';
import { evalCommand } from './eval.js';
import { UsageError } from './flags.js';
import { generateCommand } from './generate.js';
import type { CommandOptions } from './io.js';
import { manifoldCommand, type ManifoldFlags } from './manifold.js';
import { MissingModelError } from './missing-model.js';
import { trainCommand } from './train.js';

const KNOWN_ERRORS = [
  UsageError,
  DataError,
  ImageError,
  BackendError,
  ModelFileError,
  ModelsDirError,
  TrainingError,
  MissingModelError,
  FileWriteError,
];

/**
 * Runs one headless command and returns its exit code: 0 on success, 2 for a usage
 * mistake, 1 for bad input or a failed run, each said in one line.
 */
export async function runCommand(
  command: string,
  args: string[],
  config: Config,
  options: CommandOptions & DiscoverFlags & ManifoldFlags,
): Promise<number> {
  const { io, json } = options;
  try {
    switch (command) {
      case 'start':
        return await trainCommand(['all'], config, options);
      case 'train':
        return await trainCommand(args, config, options);
      case 'eval':
        return await evalCommand(config, options);
      case 'generate':
        return await generateCommand(config, options);
      case 'classify':
        return await classifyCommand(args, config, options);
      case 'discover':
        return await discoverCommand(config, options);
      case 'manifold':
        return await manifoldCommand(config, options);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (!KNOWN_ERRORS.some((kind) => error instanceof kind)) throw error;
    const message = (error as Error).message;
    if (json) io.out(JSON.stringify({ event: 'error', message }));
    else io.err(`mnist-tui: ${message}`);
    if (error instanceof UsageError) {
      if (!json) io.err('Run mnist-tui --help for usage.');
      return 2;
    }
    return 1;
  }
}
