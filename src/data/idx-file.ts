import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type Checksums, verifySha256 } from './checksum.js';
import { DataError } from './data-error.js';
import { type IdxArray, type IdxMagic, parseIdx } from './idx.js';

const gunzipAsync = promisify(gunzip);

const GZIP_SUFFIX = '.gz';
/**
 * The most a gzip file may inflate to: far above any 28×28 set (EMNIST's largest split is about
 * 550 MB), and low enough that a few-kilobyte gzip bomb is refused instead of filling memory.
 */
export const MAX_INFLATED_BYTES = 2 ** 30;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** A parsed IDX file together with the name it was found under. */
export interface IdxFile extends IdxArray {
  /** `NAME` or `NAME.gz`, whichever was read; used in later error messages. */
  fileName: string;
}

function isGzip(bytes: Uint8Array, fileName: string): boolean {
  return fileName.endsWith(GZIP_SUFFIX) || (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]);
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

/**
 * Turns the bytes of an IDX file, plain or gzip-compressed (by `.gz` suffix or
 * by the gzip magic bytes), into its array.
 *
 * @throws {DataError} on a corrupt gzip stream or an invalid IDX structure
 */
export async function decodeIdx(
  raw: Uint8Array,
  fileName: string,
  expectedMagic?: IdxMagic,
  maxInflatedBytes = MAX_INFLATED_BYTES,
): Promise<IdxArray> {
  if (!isGzip(raw, fileName)) return parseIdx(raw, fileName, expectedMagic);
  let bytes: Uint8Array;
  try {
    bytes = await gunzipAsync(raw, { maxOutputLength: maxInflatedBytes });
  } catch (error) {
    if (errorCode(error) === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataError(fileName, `inflates to more than ${maxInflatedBytes} bytes, more than any 28×28 set needs`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(fileName, `not a valid gzip file: ${reason}`);
  }
  return parseIdx(bytes, fileName, expectedMagic);
}

async function readFirstFound(dir: string, name: string): Promise<{ fileName: string; raw: Uint8Array }> {
  for (const fileName of [name, name + GZIP_SUFFIX]) {
    try {
      return { fileName, raw: await readFile(join(dir, fileName)) };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') continue;
      throw new DataError(fileName, `cannot be read (${code ?? String(error)})`);
    }
  }
  throw new DataError(name, `not found in ${dir} (nor ${name}${GZIP_SUFFIX})`);
}

/**
 * Reads `name` from `dir`, falling back to `name.gz`, and parses it.
 *
 * @param checksums when given, the raw bytes on disk must match the digest listed
 *   for the file name actually read, before anything is parsed
 * @throws {DataError} when neither file exists or is readable, or on any
 *   checksum, gzip or IDX problem
 */
export async function readIdxFile(
  dir: string,
  name: string,
  expectedMagic: IdxMagic,
  checksums?: Checksums,
): Promise<IdxFile> {
  const { fileName, raw } = await readFirstFound(dir, name);
  if (checksums !== undefined) verifySha256(raw, fileName, checksums);
  const { dims, data } = await decodeIdx(raw, fileName, expectedMagic);
  return { fileName, dims, data };
}
