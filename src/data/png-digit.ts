/**
 * PNG digits in and out: read any PNG a user drew into MNIST's convention
 * (bright ink on a dark field), normalise it the way MNIST itself was made,
 * and write greyscale images back out as PNG.
 */
import { PNG } from 'pngjs';
import { UserFacingError } from '../errors.js';
import { IMAGE_SIDE } from './mnist-format.js';

/** MNIST scaled each digit so that the longer side of its ink fitted this box. */
const DIGIT_BOX_SIDE = 20;

/** Where MNIST puts the centre of mass, in pixel-index coordinates (its measured mean is 14.0). */
const FRAME_CENTRE = IMAGE_SIDE / 2;

/** Pixels at or below this level (in [0, 1]) are background, not ink, when finding the digit. */
export const INK_THRESHOLD = 0.1;

/**
 * The most pixels a PNG may claim: a 25-megapixel photo of a digit still
 * loads, while a file of a few bytes that claims 30000×30000 is refused
 * before pngjs allocates gigabytes for it.
 */
export const MAX_IMAGE_PIXELS = 25_000_000;

/** Every PNG starts with these bytes, then its IHDR chunk (length, type, width, height, …). */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR_TYPE = [0x49, 0x48, 0x44, 0x52]; // "IHDR"
const IHDR_TYPE_OFFSET = 12;
const IHDR_WIDTH_OFFSET = 16;

/** Rec. 601 luma weights: how bright each channel looks. */
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

/** A file that is not a PNG we can read; the message is one line naming the file. */
export class ImageError extends UserFacingError {
  override readonly name = 'ImageError';
}

/** A greyscale image, row-major, values in [0, 1]. */
export interface GrayImage {
  width: number;
  height: number;
  /** [height * width], 1 = ink. */
  gray: Float32Array;
}

/**
 * Decodes a PNG of any colour type into greyscale with bright ink on a dark
 * background, as MNIST has it.
 *
 * Transparent pixels are composited onto whichever of black or white
 * contrasts with the visible strokes, so a black pen on a transparent canvas
 * stays visible as well as a white one. Then, if the border is mostly bright
 * (a dark digit on paper), the image is inverted, and levels are stretched
 * so the border's median (the paper) is black.
 *
 * @throws {ImageError} when `bytes` is not a readable PNG or claims more than {@link MAX_IMAGE_PIXELS} pixels.
 */
export function decodePngToGray(bytes: Uint8Array, fileName: string): GrayImage {
  checkClaimedSize(bytes, fileName);
  let png: PNG;
  try {
    // pngjs always hands back 8-bit RGBA, whatever the file's colour type or depth.
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    // Causes from pngjs or zlib may span lines; the CLI promises one.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    throw new ImageError(`${fileName}: not a readable PNG (${reason})`, { cause: error });
  }
  const { width, height, data } = png;
  const pixelCount = width * height;
  const luma = new Float32Array(pixelCount);
  const alpha = new Float32Array(pixelCount);
  let alphaSum = 0;
  let inkLumaSum = 0;
  for (let i = 0; i < pixelCount; i++) {
    const p = i * 4;
    luma[i] = (LUMA_R * data[p]! + LUMA_G * data[p + 1]! + LUMA_B * data[p + 2]!) / 255;
    alpha[i] = data[p + 3]! / 255;
    alphaSum += alpha[i]!;
    inkLumaSum += alpha[i]! * luma[i]!;
  }
  // Only the visible pixels say what colour the strokes are; for an opaque image the choice is moot.
  const background = alphaSum > 0 && inkLumaSum / alphaSum < 0.5 ? 1 : 0;
  const gray = new Float32Array(pixelCount);
  for (let i = 0; i < pixelCount; i++) {
    gray[i] = alpha[i]! * luma[i]! + (1 - alpha[i]!) * background;
  }
  let paper = borderMedian(gray, width, height);
  if (paper > 0.5) {
    for (let i = 0; i < pixelCount; i++) gray[i] = 1 - gray[i]!;
    paper = 1 - paper;
  }
  // Grey paper in a photo or scan would otherwise count as faint ink everywhere.
  if (paper > 0) {
    for (let i = 0; i < pixelCount; i++) gray[i] = Math.max(0, (gray[i]! - paper) / (1 - paper));
  }
  return { width, height, gray };
}

/** Refuses a PNG whose header claims too many pixels; anything else malformed is left to pngjs to find. */
function checkClaimedSize(bytes: Uint8Array, fileName: string): void {
  if (bytes.length < IHDR_WIDTH_OFFSET + 8) return;
  if (PNG_SIGNATURE.some((b, i) => bytes[i] !== b) || IHDR_TYPE.some((b, i) => bytes[IHDR_TYPE_OFFSET + i] !== b))
    return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(IHDR_WIDTH_OFFSET);
  const height = view.getUint32(IHDR_WIDTH_OFFSET + 4);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageError(
      `${fileName}: ${width}×${height} is more than the ${MAX_IMAGE_PIXELS / 1e6}-megapixel limit for a digit`,
    );
  }
}

/** The median of the outermost ring of pixels: the colour of the paper the digit is drawn on. */
function borderMedian(gray: Float32Array, width: number, height: number): number {
  const ring: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) ring.push(gray[y * width + x]!);
    }
  }
  ring.sort((a, b) => a - b);
  return ring[Math.floor(ring.length / 2)]!;
}

/**
 * Turns a greyscale drawing (bright ink, values in [0, 1]) into a 28×28 MNIST
 * digit: crop to the ink, scale (aspect kept, anti-aliased) so the longer side
 * is 20 px, and place it so its centre of mass is at the frame's centre.
 * An image without ink gives a blank frame.
 *
 * @returns [28 * 28] bytes, 255 = ink.
 */
export function toMnistDigit(gray: Float32Array, width: number, height: number): Uint8Array {
  checkSize(gray.length, width, height);
  const out = new Uint8Array(IMAGE_SIDE * IMAGE_SIDE);
  const box = inkBoundingBox(gray, width, height);
  if (box === undefined) return out;

  const scale = DIGIT_BOX_SIDE / Math.max(box.width, box.height);
  const digitWidth = Math.max(1, Math.round(box.width * scale));
  const digitHeight = Math.max(1, Math.round(box.height * scale));
  const crop = new Float32Array(box.width * box.height); // [box.height, box.width]
  for (let y = 0; y < box.height; y++) {
    const from = (box.top + y) * width + box.left;
    crop.set(gray.subarray(from, from + box.width), y * box.width);
  }
  const digit = resize(crop, box.width, box.height, digitWidth, digitHeight); // [digitHeight, digitWidth]

  // A grey pen still makes full-strength strokes, as MNIST's all peak at 255.
  let peak = 0;
  let mass = 0;
  let massX = 0;
  let massY = 0;
  for (let y = 0; y < digitHeight; y++) {
    for (let x = 0; x < digitWidth; x++) {
      const v = digit[y * digitWidth + x]!;
      peak = Math.max(peak, v);
      mass += v;
      massX += v * x;
      massY += v * y;
    }
  }
  const left = clamp(Math.round(FRAME_CENTRE - massX / mass), 0, IMAGE_SIDE - digitWidth);
  const top = clamp(Math.round(FRAME_CENTRE - massY / mass), 0, IMAGE_SIDE - digitHeight);
  for (let y = 0; y < digitHeight; y++) {
    for (let x = 0; x < digitWidth; x++) {
      const v = digit[y * digitWidth + x]! / peak;
      out[(top + y) * IMAGE_SIDE + left + x] = Math.round(clamp(v, 0, 1) * 255);
    }
  }
  return out;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The smallest rectangle holding every pixel brighter than the ink threshold, if any. */
function inkBoundingBox(gray: Float32Array, width: number, height: number): Box | undefined {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x]! <= INK_THRESHOLD) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return undefined;
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** Resizes a [height, width] image to [newHeight, newWidth], one axis at a time. */
function resize(img: Float32Array, width: number, height: number, newWidth: number, newHeight: number): Float32Array {
  const wide = resizeRows(img, width, height, newWidth); // [height, newWidth]
  const tall = resizeRows(transpose(wide, newWidth, height), height, newWidth, newHeight); // [newWidth, newHeight]
  return transpose(tall, newHeight, newWidth);
}

/**
 * Resamples each of `rows` rows from `width` to `newWidth` samples. Shrinking
 * averages the exact area each output sample covers (no aliasing); growing
 * interpolates linearly between pixel centres (no blocky steps).
 */
function resizeRows(img: Float32Array, width: number, rows: number, newWidth: number): Float32Array {
  const out = new Float32Array(rows * newWidth);
  const ratio = width / newWidth; // source pixels per output pixel
  for (let r = 0; r < rows; r++) {
    const row = img.subarray(r * width, (r + 1) * width);
    for (let i = 0; i < newWidth; i++) {
      let value: number;
      if (ratio >= 1) {
        const start = i * ratio;
        const end = start + ratio;
        let sum = 0;
        for (let j = Math.floor(start); j < end && j < width; j++) {
          sum += row[j]! * (Math.min(end, j + 1) - Math.max(start, j));
        }
        value = sum / ratio;
      } else {
        const centre = clamp((i + 0.5) * ratio - 0.5, 0, width - 1);
        const j = Math.floor(centre);
        const frac = centre - j;
        value = row[j]! * (1 - frac) + row[Math.min(j + 1, width - 1)]! * frac;
      }
      out[r * newWidth + i] = value;
    }
  }
  return out;
}

/** Swaps the axes of a [height, width] image, giving [width, height]. */
function transpose(img: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[x * height + y] = img[y * width + x]!;
  }
  return out;
}

/**
 * Encodes a greyscale image as an 8-bit greyscale PNG, each pixel drawn as a
 * `scale`×`scale` block. Bytes are taken as 0–255; floats as [0, 1] (clamped).
 */
export function encodeGrayPng(pixels: Uint8Array | Float32Array, width: number, height: number, scale = 1): Buffer {
  checkSize(pixels.length, width, height);
  if (!Number.isInteger(scale) || scale < 1) {
    throw new RangeError(`PNG scale must be a positive integer, got ${scale}`);
  }
  const outWidth = width * scale;
  const levels = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    levels[i] = pixels instanceof Float32Array ? Math.round(clamp(pixels[i]!, 0, 1) * 255) : pixels[i]!;
  }
  const data = Buffer.alloc(outWidth * height * scale); // [height * scale, width * scale], one byte a pixel
  for (let y = 0; y < height * scale; y++) {
    const row = Math.floor(y / scale) * width;
    for (let x = 0; x < outWidth; x++) data[y * outWidth + x] = levels[row + Math.floor(x / scale)]!;
  }
  const png = new PNG({ width: outWidth, height: height * scale });
  png.data = data;
  // Same colour type in and out: pngjs writes the one-byte-a-pixel buffer as it is.
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

function checkSize(length: number, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  if (length !== width * height) {
    throw new RangeError(`image has ${length} pixels, expected ${width}×${height} = ${width * height}`);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
