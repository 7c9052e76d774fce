/**
 * Every command and flag the CLI accepts, with the help text shown for them. The
 * argument parser reads the same tables, so nothing is accepted that the help does
 * not list. Imports nothing heavy: `--help` must stay instant.
 */
import { DEFAULT_AUGMENT, DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS, DEFAULT_MODELS_DIR, DEFAULT_SEED } from '../config.js';
import { SHIFT_FROM_EPOCHS } from '../ml/cnn-recipe.js';
import { DEFAULT_GRID_SIDE, DEFAULT_MANIFOLD_SIDE, DEFAULT_TOP } from '../ml/new-numbers/discovery-config.js';
import { DEFAULT_WALK_DELAY_MS, DEFAULT_WALK_FRAMES, DEFAULT_WALK_SCALE } from '../ml/walk-config.js';
import { NO_PRETRAINED_ENV_VAR } from '../ml/pretrained.js';
import { GRAPHICS_ENV_VAR } from '../render/index.js';
import { LATENT_BOUND, rangeText } from './flags.js';

/** PNG upscaling of `generate --out` unless told otherwise. */
export const DEFAULT_SCALE = 8;

/** Environment variable that makes an internal error print its stack trace. */
export const DEBUG_ENV_VAR = 'MNIST_TUI_DEBUG';

/** A flag: how it is written with its value, and what it does. */
interface FlagHelp {
  /** `--name` and its value's placeholder, e.g. `--epochs N`. */
  synopsis: string;
  text: string;
  /** Whether it takes a value (a string) or stands alone (a switch). */
  takesValue: boolean;
  /** Whether it may be given more than once, each value kept in order; the help says so. */
  repeatable?: boolean;
}

/** What the help adds to a flag that may be given more than once. */
export const REPEATABLE_NOTE = '; may be given more than once';

/** Every flag, by its name without the dashes. */
export const FLAGS = {
  epochs: {
    synopsis: '--epochs N',
    text: `passes over the training set, ${rangeText('epochs')} (cnn ${DEFAULT_EPOCHS.cnn}, vae ${DEFAULT_EPOCHS.vae})`,
    takesValue: true,
  },
  'batch-size': {
    synopsis: '--batch-size N',
    text: `images per step, ${rangeText('batch-size')} (${DEFAULT_BATCH_SIZE})`,
    takesValue: true,
  },
  limit: {
    synopsis: '--limit N',
    text: `train on the first N training images only, ${rangeText('limit')} and at most the set's size`,
    takesValue: true,
  },
  validation: {
    synopsis: '--validation N',
    text: `hold the last N of those images out and report metrics on them instead of the test set, ${rangeText('validation')}`,
    takesValue: true,
  },
  augment: {
    synopsis: '--augment A',
    text: `shift the CNN's images up to 2 px: auto (in runs of ${SHIFT_FROM_EPOCHS}+ epochs) | on | off (the plain recipe) (${DEFAULT_AUGMENT})`,
    takesValue: true,
  },
  seed: {
    synopsis: '--seed N',
    text: `seed for weights, shuffling, noise and discover's grid, ${rangeText('seed')} (${DEFAULT_SEED})`,
    takesValue: true,
  },
  backend: { synopsis: '--backend B', text: 'auto | tensorflow | webgpu | wasm | cpu (auto)', takesValue: true },
  workers: {
    synopsis: '--workers N',
    text: `training threads, ${rangeText('workers')} (the number of cores)`,
    takesValue: true,
  },
  'data-dir': {
    synopsis: '--data-dir D',
    text: 'folder with the four MNIST IDX files (bundled MNIST if absent)',
    takesValue: true,
  },
  'models-dir': {
    synopsis: '--models-dir D',
    text: `where models are saved and loaded (${DEFAULT_MODELS_DIR})`,
    takesValue: true,
  },
  json: { synopsis: '--json', text: 'one JSON object per line instead of text', takesValue: false },
  details: {
    synopsis: '--details',
    text: "add the CNN's confusion matrix and surest mistakes, the VAE's -ELBO split",
    takesValue: false,
  },
  z: {
    synopsis: '--z X,Y',
    text: `latent point to decode, each from -${LATENT_BOUND} to ${LATENT_BOUND}`,
    takesValue: true,
  },
  out: {
    synopsis: '--out FILE',
    text: "the PNG to write: generate's digit, discover's sheet, manifold's picture (manifold.png); walk's GIF",
    takesValue: true,
  },
  scale: {
    synopsis: '--scale N',
    text: `PNG upscaling, ${rangeText('scale')} (${DEFAULT_SCALE})`,
    takesValue: true,
  },
  graphics: {
    synopsis: '--graphics G',
    text: 'how the app draws digits: auto | sixel | blocks | ascii (auto)',
    takesValue: true,
  },
  top: { synopsis: '--top N', text: `new numbers to list, ${rangeText('top')} (${DEFAULT_TOP})`, takesValue: true },
  grid: {
    synopsis: '--grid G',
    text: `scan a G×G grid of latent points, ${rangeText('grid')} (${DEFAULT_GRID_SIDE})`,
    takesValue: true,
  },
  n: {
    synopsis: '--n N',
    text: `draw N×N digits, ${rangeText('n')} (${DEFAULT_MANIFOLD_SIDE})`,
    takesValue: true,
  },
  from: {
    synopsis: '--from X,Y',
    text: `where a walk starts in the latent plane, each from -${LATENT_BOUND} to ${LATENT_BOUND}`,
    takesValue: true,
  },
  to: { synopsis: '--to X,Y', text: 'where a walk ends, within the same bounds', takesValue: true },
  through: {
    synopsis: '--through X,Y',
    text: 'a point the walk passes on its way, in the order given',
    takesValue: true,
    repeatable: true,
  },
  frames: {
    synopsis: '--frames N',
    text: `frames of a walk, spaced evenly along its length, ${rangeText('frames')} (${DEFAULT_WALK_FRAMES})`,
    takesValue: true,
  },
  delay: {
    synopsis: '--delay MS',
    text: `milliseconds each frame of a walk shows, ${rangeText('delay')} (${DEFAULT_WALK_DELAY_MS})`,
    takesValue: true,
  },
  iw: {
    synopsis: '--iw K',
    text: `also the VAE's importance-sampled bound on −log p(x) with K samples an image, ${rangeText('iw')}`,
    takesValue: true,
  },
  binarize: {
    synopsis: '--binarize',
    text: 'vae: train on dynamically binarised digits (each pixel on with probability grey/255)',
    takesValue: false,
  },
  pretrained: {
    synopsis: '--pretrained',
    text: 'evaluate the pretrained models shipped with mnist-tui, whatever the models folder holds',
    takesValue: false,
  },
  help: { synopsis: '-h, --help', text: "this help; after a command, that command's own", takesValue: false },
  version: { synopsis: '--version', text: 'the version of mnist-tui', takesValue: false },
} as const satisfies Record<string, FlagHelp>;

export type FlagName = keyof typeof FLAGS;

/** What one command takes and how its help reads. */
interface CommandHelp {
  /** The usage line after `mnist-tui`. */
  usage: string;
  summary: string;
  /** Positional arguments it accepts at most (its own code says what they must be). */
  maxArgs: number;
  /** Flags it reads besides --help and --version, with wording of its own where the general one fits badly. */
  flags: readonly FlagName[];
  flagText?: Partial<Record<FlagName, string>>;
  examples: readonly string[];
}

const MODEL_FLAGS = ['backend', 'models-dir', 'json'] as const;
const TRAINING_FLAGS = ['epochs', 'batch-size', 'limit', 'seed', 'workers', 'data-dir'] as const;

/** Every command. */
export const COMMANDS = {
  train: {
    usage: 'train <cnn|vae|all>',
    summary: 'train and save to the models folder',
    maxArgs: 1,
    flags: [...TRAINING_FLAGS, 'validation', 'augment', 'binarize', ...MODEL_FLAGS],
    examples: ['train cnn --epochs 1 --limit 5000', 'train vae --binarize'],
  },
  eval: {
    usage: 'eval',
    summary: 'test metrics of the saved models',
    maxArgs: 0,
    flags: ['iw', 'seed', 'details', 'pretrained', 'data-dir', ...MODEL_FLAGS],
    flagText: { seed: `seed of the importance samples, ${rangeText('seed')} (${DEFAULT_SEED})` },
    examples: ['eval --json', 'eval --pretrained', 'eval --iw 5000', 'eval --details'],
  },
  generate: {
    usage: 'generate --z X,Y',
    summary: "decode one point of the VAE's latent plane",
    maxArgs: 0,
    flags: ['z', 'out', 'scale', ...MODEL_FLAGS],
    flagText: { out: 'write the digit to a PNG instead of the terminal' },
    examples: ['generate --z 0.5,-1 --out five.png'],
  },
  classify: {
    usage: 'classify FILE.png',
    summary: "the CNN's digit for an image",
    maxArgs: 1,
    flags: [...MODEL_FLAGS],
    examples: ['classify five.png --json'],
  },
  discover: {
    usage: 'discover',
    summary: 'find new numbers: clean glyphs the CNN cannot name',
    maxArgs: 0,
    flags: ['top', 'grid', 'seed', 'out', 'data-dir', ...MODEL_FLAGS],
    flagText: { out: 'write a sheet of the glyphs found to a PNG' },
    examples: ['discover --top 8 --out new-numbers.png'],
  },
  manifold: {
    usage: 'manifold',
    summary: 'a PNG of decoded digits across the latent plane',
    maxArgs: 0,
    flags: ['n', 'out', 'data-dir', ...MODEL_FLAGS],
    flagText: { out: 'where the picture goes (manifold.png)' },
    examples: ['manifold --n 30 --out manifold.png'],
  },
  walk: {
    usage: 'walk --from X,Y --to X,Y --out FILE.gif',
    summary: "an animated GIF of a path through the latent plane, captioned with the CNN's guesses",
    maxArgs: 0,
    flags: ['from', 'to', 'through', 'frames', 'delay', 'scale', 'out', ...MODEL_FLAGS],
    flagText: {
      out: 'the GIF to write; its name ends in .gif',
      scale: `digit upscaling in each frame, ${rangeText('scale')} (${DEFAULT_WALK_SCALE})`,
    },
    examples: ['walk --from -1.5,0 --through 0,1 --to 1.5,0 --frames 60 --out walk.gif'],
  },
} as const satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof COMMANDS;

/** Flags the app (no command) reads: where data and models are, and how it trains and draws. */
export const APP_FLAGS: readonly FlagName[] = [
  ...TRAINING_FLAGS,
  'backend',
  'models-dir',
  'graphics',
] satisfies FlagName[];

/** Whether flag `name` may be given more than once. */
export function isRepeatable(name: FlagName): boolean {
  const flag: FlagHelp = FLAGS[name];
  return flag.repeatable === true;
}

/** Whether `name` is one of our commands. */
export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** The flags `command` (or the app, for `undefined`) accepts, --help and --version included. */
export function flagsOf(command: CommandName | undefined): readonly FlagName[] {
  const own: readonly FlagName[] = command === undefined ? APP_FLAGS : COMMANDS[command].flags;
  return [...own, 'help', 'version'];
}

const optionLines = (flags: readonly FlagName[], overrides: Partial<Record<FlagName, string>> = {}) => {
  const width = Math.max(...flags.map((f) => FLAGS[f].synopsis.length)) + 2;
  return flags.map((f) => {
    const note = isRepeatable(f) ? REPEATABLE_NOTE : '';
    return `    ${FLAGS[f].synopsis.padEnd(width)}${overrides[f] ?? FLAGS[f].text}${note}`;
  });
};

/** The help of the whole CLI: every command, every flag, examples, environment and exit codes. */
export function globalHelp(): string {
  const commands: [string, string][] = [
    ['', 'open the app in this terminal'],
    ...Object.values(COMMANDS).map((c): [string, string] => [c.usage, c.summary]),
    ['<command> --help', 'the flags that command takes'],
  ];
  const width = Math.max(...commands.map(([usage]) => usage.length)) + 2;
  return [
    '',
    '  Usage',
    ...commands.map(([usage, summary]) => `    $ mnist-tui ${usage.padEnd(width)}${summary}`),
    '',
    '  Options',
    ...optionLines(Object.keys(FLAGS) as FlagName[]),
    '',
    '  Examples',
    ...Object.values(COMMANDS).map((c) => `    $ mnist-tui ${c.examples[0]}`),
    '',
    '  Environment',
    `    ${GRAPHICS_ENV_VAR}  as --graphics`,
    '    NO_COLOR            plain characters instead of colour',
    `    ${DEBUG_ENV_VAR}=1   an internal error prints its stack trace`,
    `    ${NO_PRETRAINED_ENV_VAR}=1  no shipped pretrained model stands in for one the models folder lacks`,
    '',
    '  Exit codes: 0 done, 1 bad input or a failed run, 2 usage error, 130 training interrupted',
    '',
  ].join('\n');
}

/** The help of one command: its usage, the flags it takes and an example. */
export function commandHelp(command: CommandName): string {
  const spec: CommandHelp = COMMANDS[command];
  return [
    '',
    '  Usage',
    `    $ mnist-tui ${spec.usage}`,
    '',
    `  ${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    '  Options',
    ...optionLines(flagsOf(command), spec.flagText),
    '',
    '  Example',
    ...spec.examples.map((e) => `    $ mnist-tui ${e}`),
    '',
  ].join('\n');
}

/** The end of a usage error's line: where to read how `command` (or the CLI) is called. */
export function usageHint(command: string | undefined): string {
  return `run mnist-tui ${command !== undefined && isCommand(command) ? `${command} ` : ''}--help for usage`;
}
