/**
 * The latent map's colours in a form a snapshot can hold and a person can
 * read: the legend's colour for each digit, as Ink drew it, then every half
 * cell of the map named by the legend digit whose colour it has.
 */
import assert from 'node:assert/strict';

/** Where a half cell's colour is in no legend entry (the empty background, the cursor's glyph). */
const OTHER = '·';
/** SGR parameters up to the `m`, e.g. `38;5;197;48;5;235`. */
const SGR = /\x1b\[([\d;]*)m/g;
/** A legend entry: a digit in its foreground colour. */
const LEGEND_ENTRY = /\x1b\[38;([\d;]+)m(\d)/g;

/** Colours named by their SGR parameters after the 38/48, e.g. `5;197` or `2;230;25;75`. */
interface Pen {
  fg?: string;
  bg?: string;
}

/** Applies one SGR sequence's parameters to `pen`. */
function apply(pen: Pen, params: string): Pen {
  const codes = params === '' ? [0] : params.split(';').map(Number);
  let next = { ...pen };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) next = {};
    else if (code === 39) next.fg = undefined;
    else if (code === 49) next.bg = undefined;
    else if (code === 38 || code === 48) {
      const length = codes[i + 1] === 5 ? 2 : 4;
      const colour = codes.slice(i + 1, i + 1 + length).join(';');
      if (code === 38) next.fg = colour;
      else next.bg = colour;
      i += length;
    }
  }
  return next;
}

/** Each character of a styled line with the colours it is drawn in. */
function cells(line: string): { char: string; pen: Pen }[] {
  const out: { char: string; pen: Pen }[] = [];
  let pen: Pen = {};
  let last = 0;
  for (const match of line.matchAll(SGR)) {
    for (const char of line.slice(last, match.index)) out.push({ char, pen });
    pen = apply(pen, match[1]!);
    last = match.index + match[0].length;
  }
  for (const char of line.slice(last)) out.push({ char, pen });
  return out;
}

/**
 * `legendLine` (from Ink's frame) and the half-block `mapLines` as text:
 * two rows per map row, the upper and lower halves of its cells, each half
 * the digit whose legend colour it is drawn in, `·` for any other colour
 * (listed in the header), and the cursor's glyph where it is drawn.
 */
export function describeColourMap(legendLine: string, mapLines: string[]): string {
  const legend = new Map<string, string>();
  for (const [, colour, digit] of legendLine.matchAll(LEGEND_ENTRY)) legend.set(colour!, digit!);
  assert.equal(legend.size, 10, `the legend shows ten digit colours: ${JSON.stringify(legendLine)}`);
  const others = new Set<string>();
  const name = (colour: string | undefined) => {
    assert.ok(colour !== undefined, 'every half cell of the map is coloured');
    if (legend.has(colour)) return legend.get(colour)!;
    others.add(colour);
    return OTHER;
  };
  const rows = mapLines.flatMap((line) => {
    const drawn = cells(line);
    const upper = drawn
      .map(({ char, pen }) => {
        const digit = name(pen.fg);
        return char === '▀' ? digit : char;
      })
      .join('');
    const lower = drawn.map(({ pen }) => name(pen.bg)).join('');
    return [upper, lower];
  });
  return [
    `legend: ${[...legend].map(([colour, digit]) => `${digit}=${colour}`).join(' ')}`,
    `other colours: ${[...others].sort().join(' ')}`,
    ...rows,
  ].join('\n');
}
