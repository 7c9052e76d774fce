/**
 * Training-loss history as a terminal line chart, drawn with asciichart and
 * fitted to a fixed box: long histories are averaged down to the columns
 * available, and the y-axis labels' width is paid for out of the same budget.
 */
import * as asciichart from 'asciichart';

/** One line on the chart. */
export interface LossSeries {
  /** Shown in the legend. */
  name: string;
  /** Oldest first. Non-finite values (a diverged step) are left out. */
  values: number[];
}

export interface LossChartOptions {
  /** Colour each series (SGR codes); default false, for plain text. */
  colour?: boolean;
}

const EMPTY_MESSAGE = 'no data yet';
const TOO_SMALL_MESSAGE = 'chart too small';

/** Series colours in legend order, chosen to stay apart on dark and light themes. */
const SERIES_COLOURS = [asciichart.cyan, asciichart.yellow, asciichart.magenta, asciichart.green];

/** Columns before the data: the label, then the axis in column `AXIS_OFFSET - 1`. */
const AXIS_OFFSET = 2;
/** A gap between label and axis, so `0.50┤` reads as `0.50 ┤`. */
const LABEL_GAP = ' ';
/** Digits after the point never go beyond this, whatever the scale. */
const MAX_DECIMALS = 6;
/** A flat series is drawn mid-height in a band this fraction of its value wide. */
const FLAT_BAND_FRACTION = 0.1;
const FLAT_BAND_MIN = 1e-3;
/** asciichart cannot label a one-line chart (it prints the row number), so a plot needs two. */
const MIN_PLOT_LINES = 2;
const LEGEND_MARKER = '──';
const LEGEND_SEPARATOR = '  ';

/**
 * Shrinks `values` to at most `width` points: the history before the last
 * point is split into `width - 1` equal buckets and each replaced by its mean;
 * the last point is kept exact, since it is the number a person watches.
 * Histories that already fit are returned as a copy.
 */
export function downsample(values: number[], width: number): number[] {
  const n = values.length;
  if (width <= 0) return [];
  if (n <= width) return values.slice();
  const last = values[n - 1]!;
  if (width === 1) return [last];
  const head = n - 1;
  const buckets = width - 1;
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    // head > buckets here, so every bucket holds at least one value.
    const start = Math.floor((b * head) / buckets);
    const end = Math.floor(((b + 1) * head) / buckets);
    let sum = 0;
    for (let i = start; i < end; i++) sum += values[i]!;
    out.push(sum / (end - start));
  }
  out.push(last);
  return out;
}

/** Enough decimals that neighbouring rows' labels differ: one digit finer than a row's step. */
function decimalsFor(step: number): number {
  const decimals = Math.ceil(-Math.log10(step)) + 1;
  return Math.min(MAX_DECIMALS, Math.max(0, decimals));
}

/** `value` with `decimals` digits, never as `-0.00`, which would widen the label column. */
function formatTick(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return Number(text) === 0 ? (0).toFixed(decimals) : text;
}

/** A one-line chart standing in for one that cannot be drawn. */
function notice(text: string, width: number): string[] {
  return [text.slice(0, Math.max(0, width))];
}

/** `── name last` per series, as many as fit in `width` columns. */
function legend(plotted: { name: string; last: string; colour: string | undefined }[], width: number): string {
  let line = '';
  let used = 0;
  for (const { name, last, colour } of plotted) {
    const separator = used === 0 ? '' : LEGEND_SEPARATOR;
    const text = ` ${name} ${last}`;
    const itemWidth = separator.length + LEGEND_MARKER.length + text.length;
    if (used + itemWidth > width) break;
    const marker = colour === undefined ? LEGEND_MARKER : asciichart.colored(LEGEND_MARKER, colour);
    line += separator + marker + text;
    used += itemWidth;
  }
  return line;
}

/**
 * Draws `series` in at most `width` columns and `height` lines: the plot on
 * top, a legend with each series' latest value on the last line (when
 * `height` ≥ 3). Series are downsampled independently, so each spans the
 * width it needs from the left. With no finite values at all the chart is
 * the single line "no data yet"; a box too small for labels and two rows
 * gets "chart too small", cut to `width`.
 */
export function renderLossChart(
  series: LossSeries[],
  width: number,
  height: number,
  opts: LossChartOptions = {},
): string[] {
  const withData = series
    .map((s, index) => ({
      name: s.name,
      values: s.values.filter(Number.isFinite),
      colour: opts.colour === true ? SERIES_COLOURS[index % SERIES_COLOURS.length] : undefined,
    }))
    .filter((s) => s.values.length > 0);
  if (withData.length === 0) return notice(EMPTY_MESSAGE, width);

  // A loop rather than Math.min(...values): long histories would overflow the argument stack.
  let low = Infinity;
  let high = -Infinity;
  for (const s of withData) {
    for (const v of s.values) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
  }
  if (low === high) {
    const band = Math.max(Math.abs(low) * FLAT_BAND_FRACTION, FLAT_BAND_MIN);
    low -= band;
    high += band;
  }
  const withLegend = height >= MIN_PLOT_LINES + 1;
  const plotLines = withLegend ? height - 1 : height;
  // asciichart draws `rows + 1` lines for a span of `rows`.
  const rows = plotLines - 1;
  const decimals = decimalsFor((high - low) / Math.max(1, rows));
  const labelWidth = Math.max(formatTick(low, decimals).length, formatTick(high, decimals).length);
  // Label and gap fill the columns before the axis; each point then takes one
  // column and asciichart leaves one blank column after the last.
  const points = width - (labelWidth + LABEL_GAP.length) - 1;
  if (points < 1 || plotLines < MIN_PLOT_LINES) return notice(TOO_SMALL_MESSAGE, width);

  // asciichart rounds each end of the range to a row separately and marks the
  // row of value 0 with a crossing. Lifting the data so its range is exactly
  // [span, 2·span] makes both ends land on whole rows (no row gained or lost)
  // and keeps 0 off the chart.
  const span = high - low;
  const base = low - span;
  const lifted = withData.map((s) => downsample(s.values, points).map((v) => v - base));
  const chart = asciichart.plot(lifted, {
    min: span,
    max: 2 * span,
    height: rows,
    offset: AXIS_OFFSET,
    // Either every series has a colour or none does; an empty list means plain text.
    colors: withData.flatMap((s) => (s.colour === undefined ? [] : [s.colour])),
    format: (value) => formatTick(value + base, decimals).padStart(labelWidth) + LABEL_GAP,
  });
  const lines = chart.split('\n');
  if (!withLegend) return lines;
  const lastValues = withData.map((s) => ({ ...s, last: formatTick(s.values[s.values.length - 1]!, decimals) }));
  return [...lines, legend(lastValues, width)];
}
