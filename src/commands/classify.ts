import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { gatherNormalised, NUM_CLASSES } from '../data/index.js';
import { decodePngToGray, ImageError, toMnistDigit } from '../data/png-digit.js';
import { classifyImages, initBackend } from '../ml/index.js';
import { UsageError } from './flags.js';
import type { CommandOptions } from './io.js';
import { requireClassifier } from './saved.js';

/** `mnist-tui classify FILE.png`: the CNN's digit and its ten probabilities. */
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
  const digit = toMnistDigit(gray.gray, gray.width, gray.height); // [784] bytes, MNIST framing
  const backend = await initBackend(config.backend);
  const { model } = await requireClassifier(config.modelsDir);
  const set = { images: digit, labels: new Uint8Array(1), count: 1 };
  const probabilities = Array.from(classifyImages(model, gatherNormalised(set, [0]))); // [10]
  const best = probabilities.indexOf(Math.max(...probabilities));
  if (json) {
    io.out(JSON.stringify({ event: 'classify', backend, file, digit: best, probabilities }));
    return 0;
  }
  io.out(`${file}: ${best} (${(probabilities[best] * 100).toFixed(1)}%), backend ${backend}`);
  for (let d = 0; d < NUM_CLASSES; d++) {
    io.out(
      `  ${d} ${'█'.repeat(Math.round(probabilities[d] * 40)).padEnd(40, '·')} ${(probabilities[d] * 100).toFixed(1)}%`,
    );
  }
  return 0;
}
