import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsample, renderLossChart, type LossSeries } from '../src/ui/chart/index.js';

const ESC = '\x1b';

/** Visible columns of a line: SGR codes take none. */
function visibleWidth(line: string): number {
  return [...line.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

function range(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

test('downsample: bucket means, last point exact', () => {
  assert.deepEqual(
    downsample(
      range(10, (i) => i + 1),
      4,
    ),
    [2, 5, 8, 10],
  );
  assert.deepEqual(downsample([1, 2, 3, 4, 100], 2), [2.5, 100]);
  assert.deepEqual(downsample([5, 6, 7], 1), [7]);
  assert.deepEqual(downsample([5, 6, 7], 0), []);
});

test('downsample: short histories come back as a copy', () => {
  const values = [3, 2, 1];
  const out = downsample(values, 3);
  assert.deepEqual(out, values);
  assert.notEqual(out, values);
  assert.deepEqual(downsample([], 5), []);
});

test('downsample: length, bounds and mean preserved for many sizes', () => {
  for (let n = 1; n <= 60; n++) {
    const values = range(n, (i) => Math.sin(i) * 10 + i);
    for (let width = 1; width <= 70; width++) {
      const out = downsample(values, width);
      assert.equal(out.length, Math.min(n, width));
      assert.equal(out[out.length - 1], values[n - 1]);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      for (const v of out) assert.ok(v >= lo - 1e-9 && v <= hi + 1e-9);
      if (n > width && width > 1 && (n - 1) % (width - 1) === 0) {
        // Equal buckets: the mean of the means is the mean of the history before the last point.
        const headMean = values.slice(0, -1).reduce((a, b) => a + b, 0) / (n - 1);
        const outMean = out.slice(0, -1).reduce((a, b) => a + b, 0) / (width - 1);
        assert.ok(Math.abs(headMean - outMean) < 1e-9);
      }
    }
  }
});

test('no finite data gives the single line "no data yet"', () => {
  assert.deepEqual(renderLossChart([], 40, 10), ['no data yet']);
  assert.deepEqual(renderLossChart([{ name: 'train', values: [] }], 40, 10), ['no data yet']);
  assert.deepEqual(renderLossChart([{ name: 'train', values: [NaN, Infinity] }], 40, 10), ['no data yet']);
});

test('a small chart, exactly', () => {
  assert.deepEqual(renderLossChart([{ name: 'train', values: [0, 0.5] }], 30, 4), [
    '0.50 ┤╭ ',
    '0.25 ┤│ ',
    '0.00 ┼╯ ',
    '── train 0.50',
  ]);
});

test('a flat series is drawn mid-height with sensible labels', () => {
  const lines = renderLossChart([{ name: 'val', values: [1, 1, 1] }], 40, 5);
  assert.equal(lines.length, 5);
  assert.deepEqual(
    lines.map((l) => l.split(' ')[0]),
    ['1.100', '1.033', '0.967', '0.900', '──'],
  );
  assert.match(lines[2]!, /──/);
});

test('the chart never exceeds its box, with or without colour', () => {
  const train = range(3000, (i) => 2.3 * Math.exp(-i / 400) + 0.1 * Math.sin(i));
  const val = range(12, (i) => 2 * Math.exp(-i / 3));
  const cases: LossSeries[][] = [
    [
      { name: 'train', values: train },
      { name: 'val', values: val },
    ],
    [{ name: 'loss', values: range(5, (i) => -1000 + i * 0.001) }],
    [{ name: 'kl', values: range(80, (i) => 1e-5 * i) }],
    [{ name: 'big', values: range(80, (i) => 123456 * i) }],
  ];
  for (const series of cases) {
    for (let width = 12; width <= 90; width += 7) {
      for (let height = 1; height <= 14; height++) {
        for (const colour of [false, true]) {
          const lines = renderLossChart(series, width, height, { colour });
          const where = `${series[0]!.name} ${width}×${height} colour=${colour}`;
          assert.ok(lines.length <= height, `${where}: ${lines.length} lines`);
          for (const line of lines) assert.ok(visibleWidth(line) <= width, `${where}: ${JSON.stringify(line)}`);
          if (!colour) for (const line of lines) assert.ok(!line.includes(ESC), where);
        }
      }
    }
  }
});

test('a wide enough box is filled to its height and a long history to its width', () => {
  const values = range(1000, (i) => 1 / (1 + i));
  const lines = renderLossChart([{ name: 'train', values }], 50, 10);
  assert.equal(lines.length, 10);
  assert.equal(Math.max(...lines.map(visibleWidth)), 50);
});

test('colour on: series are coloured; legend shows each latest value', () => {
  const lines = renderLossChart(
    [
      { name: 'train', values: [2, 1, 0.5] },
      { name: 'val', values: [2.2, 1.4] },
    ],
    40,
    6,
    { colour: true },
  );
  assert.ok(lines.some((l) => l.includes(`${ESC}[`)));
  const legend = lines[lines.length - 1]!.replace(/\x1b\[[0-9;]*m/g, '');
  assert.equal(legend, '── train 0.50  ── val 1.40');
});

test('a box too narrow for labels says so', () => {
  assert.deepEqual(renderLossChart([{ name: 'train', values: [1, 2] }], 5, 5), ['chart']);
  assert.deepEqual(renderLossChart([{ name: 'train', values: [1, 2] }], 0, 5), ['']);
  assert.deepEqual(renderLossChart([{ name: 'train', values: [1, 2] }], 40, 1), ['chart too small']);
});

test('two lines: the plot without a legend', () => {
  assert.deepEqual(renderLossChart([{ name: 'train', values: [0, 0.5] }], 30, 2), ['0.50 ┤╭ ', '0.00 ┼╯ ']);
});
