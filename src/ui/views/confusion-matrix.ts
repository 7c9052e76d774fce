/**
 * The CNN's confusion matrix as lines of text: a row per true digit, a
 * column per answer, each count shaded by its share of the row (green on
 * the diagonal, red off it), and the digit's accuracy at the end of its row.
 */
import type { ClassifierInsight } from '../../ml/analysis/index.js';
import { SGR_RESET, type ColourDepth } from '../../render/index.js';
import { MATRIX_ACCURACY_WIDTH, MATRIX_CELL_WIDTH, MATRIX_LABEL_WIDTH } from '../layout/index.js';
import { percent } from './format.js';

const DIGITS = 10;
/** Counts wider than a cell leaves room for (a space, then four characters) are shown in thousands. */
const LARGEST_SHOWN = 9999;
/** Shading steps of the 256-colour cube's red or green, 1–5; 0 is black. */
const CUBE_STEPS = 5;
const CUBE_FIRST = 16;
/** On shades this bright, black text reads better than white. */
const DARK_TEXT_FROM = 0.6;

/** `count` in at most four characters. */
function shortCount(count: number): string {
  return count > LARGEST_SHOWN ? `${Math.floor(count / 1000)}k` : String(count);
}

/**
 * The SGR colours of a cell holding `share` of its row. Mistakes are a small share, so
 * their shade grows with its square root: one in a hundred still shows.
 */
function shade(share: number, diagonal: boolean, depth: ColourDepth): string {
  const level = diagonal ? share : Math.sqrt(share);
  const text = level >= DARK_TEXT_FROM ? '\x1b[30m' : '\x1b[97m';
  if (depth === 'truecolor') {
    const bright = Math.round(60 + 195 * level);
    return `${text}\x1b[48;2;${diagonal ? `0;${bright};60` : `${bright};0;40`}m`;
  }
  const step = Math.max(1, Math.round(level * CUBE_STEPS));
  return `${text}\x1b[48;5;${CUBE_FIRST + (diagonal ? 6 * step : 36 * step)}m`;
}

/** The header and ten rows, each `MATRIX_WIDTH` columns wide; `depth` undefined draws no colour. */
export function confusionLines(insight: ClassifierInsight, depth: ColourDepth | undefined): string[] {
  const cell = (text: string) => text.padStart(MATRIX_CELL_WIDTH);
  const header =
    ' '.repeat(MATRIX_LABEL_WIDTH) +
    Array.from({ length: DIGITS }, (_, d) => cell(String(d))).join('') +
    'right'.padStart(MATRIX_ACCURACY_WIDTH);
  const rows = Array.from({ length: DIGITS }, (_, label) => {
    const row = insight.confusion.subarray(label * DIGITS, (label + 1) * DIGITS);
    const total = row.reduce((sum, n) => sum + n, 0);
    const cells = [...row].map((count, predicted) => {
      if (count === 0) return cell(depth === undefined ? '.' : '·');
      const text = cell(shortCount(count));
      return depth === undefined ? text : `${shade(count / total, predicted === label, depth)}${text}${SGR_RESET}`;
    });
    const accuracy = insight.classAccuracy[label]!;
    const right = Number.isNaN(accuracy) ? '-' : percent(accuracy, 1);
    return `${String(label).padEnd(MATRIX_LABEL_WIDTH)}${cells.join('')}${right.padStart(MATRIX_ACCURACY_WIDTH)}`;
  });
  return [header, ...rows];
}
