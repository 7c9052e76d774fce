import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DataError, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, decodeIdx, parseIdx } from '../src/data/index.js';
import { idxBytes, imagesFile, labelsFile } from './fixtures/idx-fixtures.js';

const NAME = 'train-images-idx3-ubyte';

/** Validator for assert.throws/rejects: a one-line DataError naming NAME and matching `pattern`. */
function dataError(pattern: RegExp, file = NAME) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DataError, `expected DataError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), 'message must be one line');
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('parseIdx', () => {
  test('parses images: big-endian dims and a zero-copy payload', () => {
    const bytes = imagesFile(2);
    const { dims, data } = parseIdx(bytes, NAME, IDX_IMAGES_MAGIC);
    assert.deepEqual(dims, [2, 28, 28]);
    assert.equal(data.length, 2 * 784);
    assert.equal(data.buffer, bytes.buffer);
    assert.equal(data[784 + 3], (7 + 3) % 256);
  });

  test('parses labels', () => {
    const { dims, data } = parseIdx(labelsFile([3, 1, 4]), 'l', IDX_LABELS_MAGIC);
    assert.deepEqual(dims, [3]);
    assert.deepEqual([...data], [3, 1, 4]);
  });

  test('parses dims above 2^31 as unsigned', () => {
    const huge = idxBytes(IDX_LABELS_MAGIC, [0x80000000], []);
    assert.throws(() => parseIdx(huge, NAME), dataError(/expected 2147483648 label bytes, found 0/));
  });

  test('refuses an unknown magic number', () => {
    const doubles = idxBytes(0x00000d03, [1, 1, 1], [0]);
    assert.throws(() => parseIdx(doubles, NAME), dataError(/wrong magic number 0x00000d03/));
  });

  test('refuses labels where images are expected', () => {
    assert.throws(
      () => parseIdx(labelsFile([1]), NAME, IDX_IMAGES_MAGIC),
      dataError(/wrong magic number 0x00000801 \(labels\), expected 0x00000803 \(images\)/),
    );
  });

  test('refuses a truncated header', () => {
    const shortMagic = new Uint8Array([0, 0, 8]);
    assert.throws(() => parseIdx(shortMagic, NAME), dataError(/truncated header: expected 4 magic bytes, found 3/));
    const shortDims = imagesFile(1).subarray(0, 10);
    assert.throws(() => parseIdx(shortDims, NAME), dataError(/truncated header: expected 16 bytes, found 10/));
  });

  test('refuses truncated pixel data with the counts in the message', () => {
    const bytes = imagesFile(2).subarray(0, 16 + 1000);
    assert.throws(
      () => parseIdx(bytes, NAME),
      (error: unknown) => {
        assert.ok(error instanceof DataError);
        assert.equal(error.message, `${NAME}: truncated: expected 1568 pixel bytes, found 1000`);
        return true;
      },
    );
  });

  test('refuses trailing bytes', () => {
    const bytes = new Uint8Array([...labelsFile([1, 2]), 9, 9]);
    assert.throws(() => parseIdx(bytes, NAME), dataError(/2 unexpected bytes after the 2 label bytes/));
  });
});

describe('decodeIdx', () => {
  test('gunzips by .gz suffix and by gzip magic alike', async () => {
    const plain = labelsFile([0, 9, 8]);
    for (const name of ['labels.gz', 'labels']) {
      const { dims, data } = await decodeIdx(gzipSync(plain), name, IDX_LABELS_MAGIC);
      assert.deepEqual(dims, [3]);
      assert.deepEqual([...data], [0, 9, 8]);
    }
  });

  test('refuses a corrupt gzip stream', async () => {
    const broken = gzipSync(imagesFile(1)).subarray(0, 40);
    await assert.rejects(decodeIdx(broken, `${NAME}.gz`), dataError(/not a valid gzip file/, `${NAME}.gz`));
  });

  test('refuses a gzip bomb before it inflates past the limit, and keeps files within it', async () => {
    // 64 MiB of zeros gzip to about 64 KB: a small file that would fill memory at a larger size.
    const bomb = gzipSync(new Uint8Array(64 * 2 ** 20));
    assert.ok(bomb.length < 2 ** 17);
    await assert.rejects(
      decodeIdx(bomb, `${NAME}.gz`, undefined, 2 ** 20),
      dataError(/inflates to more than 1048576 bytes/, `${NAME}.gz`),
    );
    const plain = imagesFile(2);
    const { dims } = await decodeIdx(gzipSync(plain), `${NAME}.gz`, IDX_IMAGES_MAGIC, plain.length);
    assert.deepEqual(dims, [2, 28, 28]);
  });
});

/** The parser's contract: a consistent result or a DataError, nothing else. */
function checkContract(bytes: Uint8Array): void {
  let parsed;
  try {
    parsed = parseIdx(bytes, NAME);
  } catch (error) {
    assert.ok(error instanceof DataError, `not a DataError: ${String(error)}`);
    return;
  }
  const elements = parsed.dims.reduce((a, b) => a * b, 1);
  assert.equal(parsed.data.length, elements);
  assert.equal(4 + 4 * parsed.dims.length + elements, bytes.length);
}

describe('parseIdx under fuzzing', () => {
  const magic = fc.constantFrom(IDX_LABELS_MAGIC, IDX_IMAGES_MAGIC, 0x00000802, 0x08000003);
  const FUZZ_TIMEOUT_MS = 10_000;

  test('random bytes, with or without a valid magic', { timeout: FUZZ_TIMEOUT_MS }, () => {
    const withMagic = fc.tuple(magic, fc.uint8Array({ maxLength: 64 })).map(([m, rest]) => {
      const bytes = new Uint8Array(4 + rest.length);
      new DataView(bytes.buffer).setUint32(0, m);
      bytes.set(rest, 4);
      return bytes;
    });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), withMagic), checkContract), { numRuns: 300 });
  });

  test('small dims with a payload of the wrong length', { timeout: FUZZ_TIMEOUT_MS }, () => {
    const file = fc.tuple(fc.array(fc.nat(4), { minLength: 1, maxLength: 3 }), fc.nat(80)).map(([dims, length]) => {
      const magic = dims.length === 1 ? IDX_LABELS_MAGIC : IDX_IMAGES_MAGIC;
      return idxBytes(magic, dims, new Uint8Array(length));
    });
    fc.assert(fc.property(file, checkContract), { numRuns: 300 });
  });

  test('random corruptions of a valid file', { timeout: FUZZ_TIMEOUT_MS }, () => {
    const valid = idxBytes(
      IDX_IMAGES_MAGIC,
      [2, 3, 4],
      Array.from({ length: 24 }, (_, i) => i),
    );
    const corruption = fc.record({
      writes: fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      keep: fc.nat(valid.length),
      extra: fc.uint8Array({ maxLength: 8 }),
    });
    fc.assert(
      fc.property(corruption, ({ writes, keep, extra }) => {
        const bytes = new Uint8Array([...valid]);
        for (const [at, value] of writes) bytes[at] = value;
        checkContract(new Uint8Array([...bytes.subarray(0, keep), ...extra]));
      }),
      { numRuns: 300 },
    );
  });

  test('random bytes behind a gzip magic', { timeout: FUZZ_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (rest) => {
        await assert.rejects(decodeIdx(new Uint8Array([0x1f, 0x8b, ...rest]), NAME), DataError);
      }),
      { numRuns: 100 },
    );
  });

  test(
    'bit flips and truncations of a valid file, plain or gzipped, through decodeIdx',
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const plain = idxBytes(
        IDX_IMAGES_MAGIC,
        [3, 4, 5],
        Array.from({ length: 60 }, (_, i) => (i * 37) % 256),
      );
      const gzipped = new Uint8Array(gzipSync(plain));
      const corruption = fc.record({
        gzip: fc.boolean(),
        flips: fc.array(fc.tuple(fc.nat(), fc.nat(7)), { maxLength: 4 }),
        cut: fc.option(fc.nat(), { nil: undefined }),
        expected: fc.constantFrom(undefined, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC),
      });
      await fc.assert(
        fc.asyncProperty(corruption, async ({ gzip, flips, cut, expected }) => {
          const name = gzip ? `${NAME}.gz` : NAME;
          let bytes = new Uint8Array(gzip ? gzipped : plain);
          for (const [at, bit] of flips) bytes[at % bytes.length]! ^= 1 << bit;
          if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1));
          let parsed;
          try {
            parsed = await decodeIdx(bytes, name, expected);
          } catch (error) {
            dataError(/./, name)(error);
            return;
          }
          const elements = parsed.dims.reduce((a, b) => a * b, 1);
          assert.equal(parsed.data.length, elements);
          if (flips.length === 0 && cut === undefined) assert.deepEqual(parsed.dims, [3, 4, 5]);
        }),
        { numRuns: 400 },
      );
    },
  );
});
