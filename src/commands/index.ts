import type { Config } from '../config.js';
import { classifyCommand } from './classify.js';
import { discoverCommand, type DiscoverFlags } from './discover.js';
import { evalCommand, type EvalFlags } from './eval.js';
import { UsageError } from './flags.js';
import { generateCommand } from './generate.js';
import type { CommandName } from './help.js';
import type { CommandOptions } from './io.js';
import { manifoldCommand, type ManifoldFlags } from './manifold.js';
import { sayError } from './say-error.js';
import { trainCommand } from './train.js';
import { walkCommand, type WalkFlags } from './walk.js';

/**
 * Runs one headless command and returns its exit code: 0 on success, 2 for a usage
 * mistake, 1 for bad input, a failed run or an internal error, each said in one line
 * (with --json, as an `error` event on stdout).
 */
export async function runCommand(
  command: CommandName,
  args: string[],
  config: Config,
  options: CommandOptions & DiscoverFlags & ManifoldFlags & WalkFlags & EvalFlags,
): Promise<number> {
  const { io, json } = options;
  try {
    switch (command) {
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
      case 'walk':
        return await walkCommand(config, options);
      default:
        throw new UsageError(`unknown command "${command satisfies never}"`);
    }
  } catch (error) {
    return sayError(io, error, json, command);
  }
}
