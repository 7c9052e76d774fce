/**
 * A history in one line of text: each value a block of its height between
 * the smallest and the largest, for the Models view's loss per epoch.
 */
import { downsample } from './loss-chart.js';

/** Eight heights in block elements, and plain characters for terminals without Unicode blocks. */
const BLOCKS = '▁▂▃▄▅▆▇█';
const PLAIN = '_.-~=+*#';

/**
 * `values` (oldest first) as at most `width` characters, long histories averaged
 * down as in the loss chart; a flat history is drawn at the lowest height.
 */
export function sparkline(values: number[], width: number, plain: boolean): string {
  const levels = plain ? PLAIN : BLOCKS;
  const shown = downsample(
    values.filter((v) => Number.isFinite(v)),
    width,
  );
  const low = Math.min(...shown);
  const span = Math.max(...shown) - low;
  return shown.map((v) => levels[span > 0 ? Math.round(((v - low) / span) * (levels.length - 1)) : 0]!).join('');
}
