/**
 * A greyscale raster to compose pictures on before they are written as PNG:
 * values in [0, 1], row-major, 1 = white (ink, in MNIST's convention).
 */
export interface GrayCanvas {
  width: number;
  height: number;
  /** [height * width] */
  pixels: Float32Array;
}

/** A `width`×`height` canvas filled with `level`. */
export function createCanvas(width: number, height: number, level = 0): GrayCanvas {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`canvas size must be positive integers, got ${width}×${height}`);
  }
  return { width, height, pixels: new Float32Array(width * height).fill(level) };
}

/** Fills a rectangle with `level`, clipped to the canvas. */
export function fillRect(canvas: GrayCanvas, x: number, y: number, width: number, height: number, level: number): void {
  for (let row = Math.max(0, y); row < Math.min(canvas.height, y + height); row++) {
    canvas.pixels.fill(
      level,
      row * canvas.width + Math.max(0, x),
      row * canvas.width + Math.min(canvas.width, x + width),
    );
  }
}

/**
 * Draws a `side`×`side` image with its top-left corner at (x, y), each of its
 * pixels as a `scale`×`scale` block (nearest neighbour, so strokes stay crisp).
 *
 * @param image [side * side] values in [0, 1]
 */
export function drawImage(
  canvas: GrayCanvas,
  image: Float32Array,
  side: number,
  x: number,
  y: number,
  scale: number,
): void {
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      fillRect(canvas, x + col * scale, y + row * scale, scale, scale, image[row * side + col]!);
    }
  }
}
