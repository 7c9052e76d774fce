import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { gatherNormalised, NUM_CLASSES } from '../data/index.js';
import { toDigitInput, type DigitInput } from '../data/digit-input.js';
import { decodePngToGray, ImageError } from '../data/png-digit.js';
import { classifyImages, initBackend } from '../ml/index.js';
import { UsageError } from './flags.js';
import type { CommandOptions } from './io.js';
import { modelLabel, modelOrigins } from './model-label.js';
import { requireClassifier } from './saved.js';

/**
 * `mnist-tui classify FILE.png`: the CNN's digit and its ten probabilities,
 * and whether the image was fed as it is or re-framed first.
 */
export async function classifyCommand(args: string[], config: Config, { io, json }: CommandOptions): Promise<number> {
  if (args.length !== 1) throw new UsageError('classify needs exactly one PNG file');
  const [file] = args;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new ImageError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const gray = decodePngToGray(bytes, file);
  const input = toDigitInput(gray, file);
  const backend = await initBackend(config.backend);
  const { model, metadata } = await requireClassifier(config.modelsDir);
  const set = { images: input.pixels, labels: new Uint8Array(1), count: 1 };
  const probabilities = Array.from(classifyImages(model, gatherNormalised(set, [0]))); // [10]
  const best = probabilities.indexOf(Math.max(...probabilities));
  if (json) {
    const { framing, scale } = input;
    const models = modelOrigins(metadata);
    io.out(JSON.stringify({ event: 'classify', backend, models, file, framing, scale, digit: best, probabilities }));
    return 0;
  }
  io.out(`${file}: ${best} (${(probabilities[best] * 100).toFixed(1)}%), backend ${backend}, ${modelLabel(metadata)}`);
  io.out(`  ${framingNote(input)}`);
  for (let d = 0; d < NUM_CLASSES; d++) {
    io.out(
      `  ${d} ${'█'.repeat(Math.round(probabilities[d] * 40)).padEnd(40, '·')} ${(probabilities[d] * 100).toFixed(1)}%`,
    );
  }
  return 0;
}

function framingNote({ framing, scale }: DigitInput): string {
  if (framing === 'mnist') return 're-framed the MNIST way: ink scaled into a 20-px box, centred by mass';
  const size = scale === 1 ? '28×28' : `28×28 drawn at ×${scale}`;
  return `fed as it is: a ${size} image is taken to be framed already`;
}
