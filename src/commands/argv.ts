/**
 * The command line, from argv to what runs: help, the version, the app or one command
 * with its typed config. Pure and import-light, so `--help` stays instant and tests can
 * call it in-process; every mistake is a one-line UsageError.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_AUGMENT, DEFAULT_BATCH_SIZE, DEFAULT_MODELS_DIR, DEFAULT_SEED, type Config } from '../config.js';
import { DEFAULT_WALK_SCALE } from '../ml/walk-config.js';
import { GraphicsModeError, parseGraphicsRequest, type GraphicsRequest } from '../render/index.js';
import type { DiscoverFlags } from './discover.js';
import type { EvalFlags } from './eval.js';
import {
  parseAugment,
  parseBackend,
  parseIntegerFlag,
  parseLatentPoint,
  UsageError,
  type IntegerFlag,
} from './flags.js';
import {
  commandHelp,
  COMMANDS,
  DEFAULT_SCALE,
  FLAGS,
  flagsOf,
  globalHelp,
  isCommand,
  isRepeatable,
  type CommandName,
  type FlagName,
} from './help.js';
import type { CommandOptions } from './io.js';
import type { ManifoldFlags } from './manifold.js';
import type { WalkFlags } from './walk.js';

/** What the command line asks for. */
export type Invocation =
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'app'; config: Config; graphics: GraphicsRequest | undefined }
  | {
      kind: 'command';
      command: CommandName;
      args: string[];
      config: Config;
      options: Omit<CommandOptions, 'io'> & DiscoverFlags & ManifoldFlags & WalkFlags & EvalFlags;
    };

/** Values that depend on the machine, passed in so parsing stays pure. */
export interface InvocationDefaults {
  /** Training threads without --workers. */
  workers: number;
}

/**
 * Reads the command line (without the node and script paths). `--help` or `-h` anywhere
 * before `--` wins over everything else, mistakes included.
 *
 * @throws {UsageError} for anything the help does not describe: an unknown command or
 *   flag, a flag the command does not take, a flag given twice that may not repeat, a
 *   missing or out-of-range value.
 */
export function parseInvocation(argv: readonly string[], defaults: InvocationDefaults): Invocation {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(FLAGS).map(([name, flag]) => [
        name,
        { type: flag.takesValue ? 'string' : 'boolean', ...(name === 'help' ? { short: 'h' } : {}) },
      ]),
    ),
    // Not strict: every mistake is reported below in our words, after --help has had its say.
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  const [first, ...args] = positionals;
  const command = first !== undefined && isCommand(first) ? first : undefined;
  const terminator = argv.indexOf('--');
  const beforeTerminator = terminator === -1 ? argv : argv.slice(0, terminator);
  // Raw arguments, so that help wins even where it sits in the place of a value (`--out --help`).
  const helpAsked =
    beforeTerminator.some((a) => a === '-h' || a === '--help' || a.startsWith('--help=')) ||
    tokens.some((t) => t.kind === 'option' && t.name === 'help');
  if (helpAsked) {
    return { kind: 'help', text: command === undefined ? globalHelp() : commandHelp(command) };
  }
  if (first !== undefined && command === undefined) throw new UsageError(`unknown command "${first}"`);

  const values = new Map<FlagName, string | true>();
  // Every value of a repeatable flag, in the order given; `values` keeps the last.
  const repeats = new Map<FlagName, string[]>();
  const accepted = flagsOf(command);
  const who = command ?? 'the app';
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const name = token.name as FlagName;
    // Only the long names are ours, and -h; single letters such as -n or -z are not.
    const known = Object.hasOwn(FLAGS, name) && (token.rawName === `--${name}` || token.rawName === '-h');
    if (!known) throw new UsageError(`unknown flag ${token.rawName}`);
    if (!accepted.includes(name)) throw new UsageError(`${who} does not take --${name}`);
    if (values.has(name) && !isRepeatable(name)) throw new UsageError(`--${name} is given more than once`);
    const value = flagValue(name, token.rawName, token.value, token.inlineValue);
    values.set(name, value);
    if (typeof value === 'string') repeats.set(name, [...(repeats.get(name) ?? []), value]);
  }
  if (values.has('version')) return { kind: 'version' };

  const text = (name: FlagName) => values.get(name) as string | undefined;
  const integer = (name: IntegerFlag) => {
    const value = text(name);
    return value === undefined ? undefined : parseIntegerFlag(name, value);
  };
  const config: Config = {
    dataDir: text('data-dir'),
    modelsDir: text('models-dir') ?? DEFAULT_MODELS_DIR,
    limit: integer('limit'),
    validation: integer('validation'),
    seed: integer('seed') ?? DEFAULT_SEED,
    backend: parseBackend(text('backend') ?? 'auto'),
    epochs: integer('epochs'),
    batchSize: integer('batch-size') ?? DEFAULT_BATCH_SIZE,
    workers: integer('workers') ?? defaults.workers,
    augment: parseAugment(text('augment') ?? DEFAULT_AUGMENT),
    // Only where asked for, so configs without the switch stay as they were.
    ...(values.has('binarize') && { binarize: true }),
  };
  if (command === undefined) return { kind: 'app', config, graphics: graphicsRequest(text('graphics')) };

  const { maxArgs } = COMMANDS[command];
  if (args.length > maxArgs) {
    const count = maxArgs === 0 ? 'no arguments' : 'one argument';
    throw new UsageError(`${command} takes ${count}, got "${args.join(' ')}"`);
  }
  const point = (name: 'z' | 'from' | 'to') => {
    const value = text(name);
    return value === undefined ? undefined : parseLatentPoint(value, name);
  };
  return {
    kind: 'command',
    command,
    args,
    config,
    options: {
      json: values.has('json'),
      z: point('z'),
      out: text('out'),
      scale: integer('scale') ?? (command === 'walk' ? DEFAULT_WALK_SCALE : DEFAULT_SCALE),
      top: integer('top'),
      grid: integer('grid'),
      n: integer('n'),
      from: point('from'),
      to: point('to'),
      through: repeats.get('through')?.map((value) => parseLatentPoint(value, 'through')),
      frames: integer('frames'),
      delay: integer('delay'),
      iw: integer('iw'),
      details: values.has('details'),
      pretrained: values.has('pretrained'),
    },
  };
}

/** A flag's value as written, or `true` for a switch; refuses a value missing or misplaced. */
function flagValue(name: FlagName, rawName: string, value: string | undefined, inline: boolean | undefined) {
  if (!FLAGS[name].takesValue) {
    if (value !== undefined) throw new UsageError(`${rawName} takes no value, got "${value}"`);
    return true;
  }
  // `--out --json` forgot the value; a value may start with one dash (`--z -1,2`).
  if (value === undefined || (!inline && value.startsWith('--'))) {
    throw new UsageError(`${rawName} needs a value (${FLAGS[name].synopsis})`);
  }
  return value;
}

function graphicsRequest(value: string | undefined): GraphicsRequest | undefined {
  if (value === undefined) return undefined;
  try {
    return parseGraphicsRequest(value, '--graphics');
  } catch (error) {
    throw error instanceof GraphicsModeError ? new UsageError(error.message) : error;
  }
}
