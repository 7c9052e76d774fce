import { DataError } from './data-error.js';

/** IDX magic of a 1-D array of unsigned bytes: MNIST labels. */
export const IDX_LABELS_MAGIC = 0x00000801;

/** IDX magic of a 3-D array of unsigned bytes: MNIST images. */
export const IDX_IMAGES_MAGIC = 0x00000803;

/** Either magic number this parser understands. */
export type IdxMagic = typeof IDX_LABELS_MAGIC | typeof IDX_IMAGES_MAGIC;

/** A parsed IDX file: its dimensions and its row-major payload. */
export interface IdxArray {
  dims: number[];
  /** A view into the input bytes, not a copy. */
  data: Uint8Array;
}

const MAGIC_BYTES = 4;
const DIM_BYTES = 4;

const KIND: Record<IdxMagic, { name: string; element: string }> = {
  [IDX_LABELS_MAGIC]: { name: 'labels', element: 'label' },
  [IDX_IMAGES_MAGIC]: { name: 'images', element: 'pixel' },
};

function isIdxMagic(magic: number): magic is IdxMagic {
  return magic === IDX_LABELS_MAGIC || magic === IDX_IMAGES_MAGIC;
}

function describe(magic: IdxMagic): string {
  return `0x${magic.toString(16).padStart(8, '0')} (${KIND[magic].name})`;
}

/**
 * Parses an uncompressed IDX file of unsigned bytes. The rank comes from the
 * magic number's low byte and each dimension is a big-endian uint32.
 *
 * @param bytes the whole file
 * @param fileName named in every error message
 * @param expectedMagic when given, the other magic is refused too
 * @throws {DataError} on a wrong magic number, a short header, or a payload
 *   whose length is not the product of the dimensions
 */
export function parseIdx(bytes: Uint8Array, fileName: string, expectedMagic?: IdxMagic): IdxArray {
  if (bytes.length < MAGIC_BYTES) {
    throw new DataError(fileName, `truncated header: expected ${MAGIC_BYTES} magic bytes, found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (!isIdxMagic(magic)) {
    const found = `0x${magic.toString(16).padStart(8, '0')}`;
    const wanted =
      expectedMagic === undefined
        ? `${describe(IDX_LABELS_MAGIC)} or ${describe(IDX_IMAGES_MAGIC)}`
        : describe(expectedMagic);
    throw new DataError(fileName, `wrong magic number ${found}, expected ${wanted}`);
  }
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new DataError(fileName, `wrong magic number ${describe(magic)}, expected ${describe(expectedMagic)}`);
  }

  const rank = magic & 0xff;
  const headerBytes = MAGIC_BYTES + rank * DIM_BYTES;
  if (bytes.length < headerBytes) {
    throw new DataError(fileName, `truncated header: expected ${headerBytes} bytes, found ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(MAGIC_BYTES + d * DIM_BYTES));

  // Up to 2^96 in theory; doubles stay exact enough to compare with a real file length.
  const expected = dims.reduce((product, dim) => product * dim, 1);
  const found = bytes.length - headerBytes;
  const element = KIND[magic].element;
  if (found < expected) {
    throw new DataError(fileName, `truncated: expected ${expected} ${element} bytes, found ${found}`);
  }
  if (found > expected) {
    throw new DataError(fileName, `${found - expected} unexpected bytes after the ${expected} ${element} bytes`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
