import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  BUNDLED_SHA256,
  BUNDLED_SOURCE,
  DataError,
  MNIST_FILES,
  loadMnist,
  loadMnistDir,
  verifySha256,
} from '../src/data/index.js';
import {
  TINY_TEST,
  TINY_TRAIN,
  imagesFile,
  labelsFile,
  removeTempDirs,
  validFiles,
  writeMnistDir,
} from './fixtures/idx-fixtures.js';

after(removeTempDirs);

const load = (dataDir: string, limit?: number, validation?: number) => loadMnist({ dataDir, limit, validation });

/** Validator for assert.rejects: a one-line DataError that starts with `file: ` and matches `pattern`. */
function dataError(file: string, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DataError, `expected DataError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), 'message must be one line');
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('loadMnist from a data directory', () => {
  test('loads a valid directory and reports it as the source', async () => {
    const dir = writeMnistDir();
    const mnist = await load(dir);
    assert.equal(mnist.source, dir);
    assert.equal(mnist.train.count, TINY_TRAIN);
    assert.equal(mnist.train.images.length, TINY_TRAIN * 784);
    assert.deepEqual([...mnist.train.labels], [5, 0, 4, 1, 9]);
    assert.equal(mnist.test.count, TINY_TEST);
  });

  test('falls back to NAME.gz', async () => {
    const plain = validFiles()[MNIST_FILES.testImages]!;
    const dir = writeMnistDir({ [MNIST_FILES.testImages]: null, [`${MNIST_FILES.testImages}.gz`]: gzipSync(plain) });
    assert.equal((await load(dir)).test.count, TINY_TEST);
  });

  test('names a missing file and the directory', async () => {
    const dir = writeMnistDir({ [MNIST_FILES.trainLabels]: null });
    await assert.rejects(load(dir), {
      name: 'DataError',
      message: `${MNIST_FILES.trainLabels}: not found in ${dir} (nor ${MNIST_FILES.trainLabels}.gz)`,
    });
  });

  test('names the first file when the directory does not exist', async () => {
    const dir = join(writeMnistDir(), 'absent');
    await assert.rejects(load(dir), dataError(MNIST_FILES.trainImages, /not found in/));
  });

  test('refuses a labels file in place of images', async () => {
    const dir = writeMnistDir({ [MNIST_FILES.testImages]: labelsFile([1]) });
    await assert.rejects(load(dir), dataError(MNIST_FILES.testImages, /wrong magic number 0x00000801/));
  });

  test('refuses truncated pixels', async () => {
    const dir = writeMnistDir({ [MNIST_FILES.trainImages]: imagesFile(TINY_TRAIN).subarray(0, 16 + 1000) });
    await assert.rejects(
      load(dir),
      dataError(MNIST_FILES.trainImages, /^[^:]+: truncated: expected 3920 pixel bytes, found 1000$/),
    );
  });

  test('refuses an image/label count mismatch', async () => {
    const dir = writeMnistDir({ [MNIST_FILES.testLabels]: labelsFile([1, 2]) });
    await assert.rejects(
      load(dir),
      dataError(MNIST_FILES.testLabels, /2 labels, but t10k-images-idx3-ubyte holds 3 images/),
    );
  });

  test('refuses images that are not 28x28', async () => {
    const dir = writeMnistDir({ [MNIST_FILES.trainImages]: imagesFile(TINY_TRAIN, 27) });
    await assert.rejects(load(dir), dataError(MNIST_FILES.trainImages, /images are 27x27, expected 28x28/));
  });

  test('refuses a label outside 0-9', async () => {
    const dir = writeMnistDir({ [MNIST_FILES.trainLabels]: labelsFile([5, 0, 10, 1, 9]) });
    await assert.rejects(load(dir), dataError(MNIST_FILES.trainLabels, /label 10 at index 2 is outside 0-9/));
  });

  test('refuses an empty set', async () => {
    const dir = writeMnistDir({ [MNIST_FILES.testImages]: imagesFile(0), [MNIST_FILES.testLabels]: labelsFile([]) });
    await assert.rejects(load(dir), dataError(MNIST_FILES.testImages, /holds no images/));
  });
});

describe('checksums', () => {
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  test('accepts files that match their listed digests', async () => {
    const files = validFiles();
    const checksums = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, sha256(bytes)]));
    const mnist = await loadMnistDir(writeMnistDir(), { checksums, source: 'tiny' });
    assert.equal(mnist.source, 'tiny');
  });

  test('refuses a tampered copy of the bundled files', async () => {
    await assert.rejects(
      loadMnistDir(writeMnistDir(), { checksums: BUNDLED_SHA256 }),
      dataError(MNIST_FILES.trainImages, /SHA-256 mismatch: found [0-9a-f]{64}, expected ba891046e6505d7a/),
    );
  });

  test('refuses a file with no listed digest', () => {
    assert.throws(() => verifySha256(new Uint8Array(1), 'stray', {}), dataError('stray', /no known SHA-256/));
  });
});

describe('limit', () => {
  test('keeps the first N training images and the whole test set', async () => {
    const mnist = await load(writeMnistDir(), 2);
    assert.equal(mnist.train.count, 2);
    assert.equal(mnist.train.images.length, 2 * 784);
    assert.deepEqual([...mnist.train.labels], [5, 0]);
    assert.equal(mnist.test.count, TINY_TEST);
  });

  for (const limit of [0, -1, 1.5, Number.NaN]) {
    test(`refuses limit ${limit}`, async () => {
      await assert.rejects(load(writeMnistDir(), limit), dataError(MNIST_FILES.trainImages, /positive integer/));
    });
  }

  test('refuses a limit above the training count', async () => {
    await assert.rejects(
      load(writeMnistDir(), TINY_TRAIN + 1),
      dataError(MNIST_FILES.trainImages, /limit 6 exceeds the 5 training images/),
    );
  });

  test("a validation hold-out takes the last training images, after the limit, in the test set's place", async () => {
    const whole = await loadMnist({ limit: 1000 });
    const held = await loadMnist({ limit: 1000, validation: 200 });
    assert.equal(held.train.count, 800);
    assert.equal(held.test.count, 200);
    assert.deepEqual(held.train.labels, whole.train.labels.subarray(0, 800));
    assert.deepEqual(held.test.labels, whole.train.labels.subarray(800, 1000));
    assert.deepEqual(held.test.images, whole.train.images.subarray(800 * 784, 1000 * 784));
    assert.equal(held.source, `${BUNDLED_SOURCE}, validation: last 200 training images`);
  });

  test('refuses a validation hold-out that leaves no training images', async () => {
    await assert.rejects(
      load(writeMnistDir(), TINY_TRAIN, TINY_TRAIN),
      dataError(MNIST_FILES.trainImages, /validation 5 must leave training images/),
    );
  });

  test('applies to the bundled data', async () => {
    const mnist = await loadMnist({ limit: 100 });
    assert.equal(mnist.source, BUNDLED_SOURCE);
    assert.equal(mnist.train.count, 100);
    assert.equal(mnist.train.labels.length, 100);
    assert.equal(mnist.test.count, 10_000);
  });
});
