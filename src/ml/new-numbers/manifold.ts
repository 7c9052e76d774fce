import { IMAGE_SIDE, IMAGE_PIXELS } from '../../data/index.js';
import { createCanvas, drawImage, type GrayCanvas } from '../../images/index.js';
import { decodePoints, type Vae } from '../vae.js';
import { latentGrid, type LatentBox } from './latent-region.js';

/** Points decoded at a time, so a large picture never holds every glyph as a tensor at once. */
const DECODE_BATCH = 1000;

/** Grid points at the centres of their cells, so the picture is symmetric about the box. */
const CELL_CENTRE: readonly [number, number] = [0.5, 0.5];

/**
 * The classic latent-manifold picture: a `side`×`side` grid of decoded digits
 * over `region`, x growing rightwards and y upwards, one pixel per pixel.
 */
export function renderManifold(vae: Vae, region: LatentBox, side: number): GrayCanvas {
  const points = latentGrid(region, side, CELL_CENTRE); // [side² * 2]
  const canvas = createCanvas(side * IMAGE_SIDE, side * IMAGE_SIDE);
  const total = side * side;
  for (let start = 0; start < total; start += DECODE_BATCH) {
    const end = Math.min(total, start + DECODE_BATCH);
    const pixels = decodePoints(vae, points.subarray(start * 2, end * 2)); // [(end - start) * 784]
    for (let n = start; n < end; n++) {
      const glyph = pixels.subarray((n - start) * IMAGE_PIXELS, (n - start + 1) * IMAGE_PIXELS);
      drawImage(canvas, glyph, IMAGE_SIDE, (n % side) * IMAGE_SIDE, Math.floor(n / side) * IMAGE_SIDE, 1);
    }
  }
  return canvas;
}
