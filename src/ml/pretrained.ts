/**
 * The models shipped with the package: the default CNN and VAE, trained with the defaults
 * and seed 42 by scripts/train-pretrained.sh, in `pretrained/` at the package's root in the
 * same layout as a models folder. They stand in for a model the models folder lacks, so a
 * fresh install has something to explore; nothing ever writes there. Beside the VAE's parts
 * lie its encodings of the bundled test set, so the app's latent map needs no encoding.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shipped models' folder. Found from this file, not the working directory, so an
 * installed package finds its own copy wherever it runs: this file is compiled to
 * `dist/src/ml/`, three levels below the package's root.
 */
export const PRETRAINED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../pretrained');

/** Setting this (to any non-empty value) turns the shipped models off: only the models folder counts. */
export const NO_PRETRAINED_ENV_VAR = 'MNIST_TUI_NO_PRETRAINED';

/**
 * Where a model is looked for: only in the models folder (`never`), there and else among
 * the shipped ones (`fallback`), or only among the shipped ones (`only`, for `eval --pretrained`).
 */
export type PretrainedUse = 'never' | 'fallback' | 'only';

/** Where a loaded model came from: trained into the models folder, or shipped with the package. */
export type ModelOrigin = 'trained' | 'pretrained';

/** The shipped models stand in for missing ones unless the environment turns them off. */
export function pretrainedUse(env: NodeJS.ProcessEnv): PretrainedUse {
  // Any non-empty value, as NO_COLOR reads.
  return env[NO_PRETRAINED_ENV_VAR] ? 'never' : 'fallback';
}

/** Whether `dir` is the shipped models' folder or inside it, which training must never write. */
export function isInsidePretrained(dir: string): boolean {
  const relative = path.relative(PRETRAINED_DIR, path.resolve(dir));
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return !outside;
}

/**
 * The shipped VAE's latent means of the bundled MNIST test set, in the set's order:
 * little-endian float32 [count, 2], written by scripts/pretrained-encodings.mjs.
 */
export const TEST_ENCODINGS_FILE = 'test-encodings.bin';

/** Writes `encodings` [count * 2] as the test-set encodings of the VAE saved in `vaeDir`. */
export async function writeTestEncodings(vaeDir: string, encodings: Float32Array): Promise<void> {
  const bytes = Buffer.alloc(encodings.length * 4);
  encodings.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  await writeFile(path.join(vaeDir, TEST_ENCODINGS_FILE), bytes);
}

/**
 * The shipped VAE's encodings of the bundled test set [count * 2], or undefined when the file
 * cannot be read. They only spare the app the work of encoding, which it does instead when
 * they are missing, so a missing or unreadable file is no error.
 */
export async function readShippedTestEncodings(): Promise<Float32Array | undefined> {
  const bytes = await readFile(path.join(PRETRAINED_DIR, 'vae', TEST_ENCODINGS_FILE)).catch(() => undefined);
  if (bytes === undefined || bytes.length % 8 !== 0) return undefined;
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}
