import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserFacingError } from '../../errors.js';
import type { ModelMetadata } from '../model-store.js';
import { FileWriteError, writeFileAtomically } from '../../files/index.js';
import { nameKey, nameProblem, normaliseName, visibleName } from './number-name.js';

/** The names store, beside the models whose latent points it names. */
export const NAMED_NUMBERS_FILE = 'new-numbers.json';

/** Tells our file apart from any other JSON someone leaves there. */
const FORMAT = 'mnist-tui new numbers';
const VERSION = 1;

/** What identifies a saved model: a retrained one decodes the same point into another glyph. */
export type ModelStamp = Pick<ModelMetadata, 'model' | 'dataset' | 'trainImages' | 'epochs' | 'seed' | 'date'>;

/** A glyph someone named, with what it takes to decode it again. */
export interface NamedNumber {
  /**
   * Unique in the file, compared without regard to case or Unicode form. A
   * name saved before the rules of `number-name.ts` that breaks them comes
   * back with its hidden characters written out as code points.
   */
  name: string;
  /** The latent point the VAE decodes into this glyph. */
  z: [number, number];
  /** The VAE whose decoder draws it. */
  vae: ModelStamp;
  /** The CNN that found it unnameable, when one was at hand. */
  cnn?: ModelStamp;
  /** ISO 8601 time of naming. */
  namedAt: string;
}

/** What a caller gives to name a glyph. */
export interface NewName {
  name: string;
  z: readonly [number, number];
  /** The VAE's metadata (or a stamp of it). */
  vae: ModelStamp;
  /** The CNN's metadata (or a stamp of it), when one judged the glyph. */
  cnn?: ModelStamp;
}

/** A damaged names file or a name that cannot be used; the message is one line. */
export class NamedNumberError extends UserFacingError {
  override name = 'NamedNumberError';
}

/**
 * The named numbers in `modelsDir`, oldest first, fit to print; none when
 * nothing has been named yet.
 *
 * @throws {NamedNumberError} when the file cannot be read or is not a valid names file
 */
export async function loadNamedNumbers(modelsDir: string): Promise<NamedNumber[]> {
  return (await loadStored(modelsDir)).map(printable);
}

/** The entries exactly as the file holds them, so saving writes old names back unchanged. */
async function loadStored(modelsDir: string): Promise<NamedNumber[]> {
  const file = path.join(modelsDir, NAMED_NUMBERS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new NamedNumberError(`${file}: cannot read: ${code ?? String(error)}`);
  }
  return parseNamedNumbers(file, text);
}

/**
 * Names the glyph at `entry.z` and saves the store atomically (a complete new
 * file is renamed over the old), so a crash never leaves half a file.
 *
 * @param now time of naming, injected so tests can fix it
 * @returns every named number, the new one last, as {@link loadNamedNumbers} gives them
 * @throws {NamedNumberError} on a name `nameProblem` refuses, a taken name, a point that is not two finite numbers, or a damaged file
 */
export async function saveNamedNumber(modelsDir: string, entry: NewName, now = new Date()): Promise<NamedNumber[]> {
  const name = normaliseName(entry.name);
  const problem = nameProblem(name);
  if (problem !== undefined) throw new NamedNumberError(problem);
  if (entry.z.length !== 2 || !entry.z.every(Number.isFinite)) {
    throw new NamedNumberError(`"${name}" needs a latent point of two finite numbers`);
  }
  const numbers = await loadStored(modelsDir);
  const key = nameKey(name);
  const taken = numbers.find((n) => nameKey(n.name) === key);
  if (taken !== undefined) throw new NamedNumberError(`the name "${visibleName(taken.name)}" is taken`);
  const added: NamedNumber = {
    name,
    z: [entry.z[0], entry.z[1]],
    vae: stampOf(entry.vae),
    ...(entry.cnn ? { cnn: stampOf(entry.cnn) } : {}),
    namedAt: now.toISOString(),
  };
  const all = [...numbers, added];
  try {
    await mkdir(modelsDir, { recursive: true });
    await writeFileAtomically(
      path.join(modelsDir, NAMED_NUMBERS_FILE),
      JSON.stringify({ format: FORMAT, version: VERSION, numbers: all }, null, 2) + '\n',
    );
  } catch (error) {
    // One error type for the whole store, so the TUI has one thing to catch and show.
    if (error instanceof FileWriteError) throw new NamedNumberError(error.message);
    throw new NamedNumberError(
      `${modelsDir}: cannot create: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return all.map(printable);
}

/** Whether `metadata` describes the very model a stamp was taken from. */
export function isSameModel(stamp: ModelStamp, metadata: ModelStamp): boolean {
  const other = stampOf(metadata);
  return (Object.keys(other) as (keyof ModelStamp)[]).every((key) => stamp[key] === other[key]);
}

/** Only the identifying fields, so the file stays small whatever the metadata grows to hold. */
function stampOf({ model, dataset, trainImages, epochs, seed, date }: ModelStamp): ModelStamp {
  return { model, dataset, trainImages, epochs, seed, date };
}

/** An entry whose name is safe to print, whatever an older version let into the file. */
function printable(entry: NamedNumber): NamedNumber {
  const name = visibleName(entry.name);
  return name === entry.name ? entry : { ...entry, name };
}

/** Checks every field, so the TUI can trust what it decodes; the first fault is reported. */
function parseNamedNumbers(file: string, text: string): NamedNumber[] {
  const damaged = (why: string) => new NamedNumberError(`${file}: damaged (${why}); fix or delete it`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw damaged('not JSON');
  }
  if (!isRecord(data) || data.format !== FORMAT) throw damaged('not a mnist-tui names file');
  if (data.version !== VERSION) throw damaged(`version ${String(data.version)}, expected ${VERSION}`);
  if (!Array.isArray(data.numbers)) throw damaged('"numbers" is not a list');
  const seen = new Set<string>();
  return data.numbers.map((item: unknown, index: number) => {
    const fault = entryFault(item);
    if (fault !== undefined) throw damaged(`entry ${index + 1}: ${fault}`);
    const entry = item as NamedNumber;
    // The plain lower-case check every version made, so a file an older version wrote still loads
    // even where two of its names now count as one (a new name is held to the stricter nameKey).
    const key = entry.name.toLowerCase();
    if (seen.has(key)) throw damaged(`entry ${index + 1}: the name "${visibleName(entry.name)}" appears twice`);
    seen.add(key);
    return entry;
  });
}

function entryFault(item: unknown): string | undefined {
  if (!isRecord(item)) return 'not an object';
  if (typeof item.name !== 'string' || item.name.trim() === '') return 'no name';
  const z = item.z;
  if (!Array.isArray(z) || z.length !== 2 || !z.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return 'z is not two finite numbers';
  }
  if (!isStamp(item.vae, 'vae')) return 'vae is not a VAE model stamp';
  if (item.cnn !== undefined && !isStamp(item.cnn, 'cnn')) return 'cnn is not a CNN model stamp';
  if (typeof item.namedAt !== 'string' || Number.isNaN(Date.parse(item.namedAt))) return 'namedAt is not a date';
  return undefined;
}

function isStamp(value: unknown, model: 'cnn' | 'vae'): boolean {
  return (
    isRecord(value) &&
    value.model === model &&
    typeof value.dataset === 'string' &&
    typeof value.date === 'string' &&
    [value.trainImages, value.epochs, value.seed].every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
