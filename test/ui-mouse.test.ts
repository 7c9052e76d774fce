import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createMouseParser,
  MOUSE_OFF,
  MOUSE_ON,
  type MouseEvent,
  type MouseParseResult,
} from '../src/ui/input/index.js';

const ESC = '\x1b';
const NO_MODS = { shift: false, alt: false, ctrl: false };

function report(code: number, column: number, row: number, final: 'M' | 'm' = 'M'): string {
  return `${ESC}[<${code};${column};${row}${final}`;
}

/** Feeds `chunks` to a fresh parser and joins what comes out. */
function parseAll(chunks: string[]): MouseParseResult {
  const parser = createMouseParser();
  const events: MouseEvent[] = [];
  let rest = '';
  for (const chunk of chunks) {
    const out = parser.push(chunk);
    events.push(...out.events);
    rest += out.rest;
  }
  return { events, rest };
}

test('press and release report the button, with 0-based cells', () => {
  assert.deepEqual(parseAll([report(0, 10, 5)]), {
    events: [{ kind: 'down', button: 0, x: 9, y: 4, ...NO_MODS }],
    rest: '',
  });
  assert.deepEqual(parseAll([report(0, 10, 5, 'm')]).events, [{ kind: 'up', button: 0, x: 9, y: 4, ...NO_MODS }]);
  assert.deepEqual(parseAll([report(1, 1, 1)]).events, [{ kind: 'down', button: 1, x: 0, y: 0, ...NO_MODS }]);
  assert.deepEqual(parseAll([report(2, 300, 120, 'm')]).events, [
    { kind: 'up', button: 2, x: 299, y: 119, ...NO_MODS },
  ]);
});

test('motion: drag keeps the held button, hover has none', () => {
  assert.deepEqual(parseAll([report(32, 11, 5)]).events, [{ kind: 'move', button: 0, x: 10, y: 4, ...NO_MODS }]);
  assert.deepEqual(parseAll([report(34, 11, 5)]).events, [{ kind: 'move', button: 2, x: 10, y: 4, ...NO_MODS }]);
  assert.deepEqual(parseAll([report(35, 1, 2)]).events, [{ kind: 'move', button: null, x: 0, y: 1, ...NO_MODS }]);
});

test('wheel up and down; horizontal wheel and extra buttons are consumed silently', () => {
  assert.deepEqual(parseAll([report(64, 3, 4)]).events, [{ kind: 'wheel-up', button: null, x: 2, y: 3, ...NO_MODS }]);
  assert.deepEqual(parseAll([report(65, 3, 4)]).events, [{ kind: 'wheel-down', button: null, x: 2, y: 3, ...NO_MODS }]);
  assert.deepEqual(parseAll([report(66, 3, 4) + report(67, 3, 4) + report(128, 3, 4)]), { events: [], rest: '' });
});

test('modifier bits: shift 4, alt 8, ctrl 16', () => {
  assert.deepEqual(parseAll([report(4, 2, 2)]).events[0], {
    kind: 'down',
    button: 0,
    x: 1,
    y: 1,
    ...NO_MODS,
    shift: true,
  });
  assert.deepEqual(parseAll([report(8 + 1, 2, 2)]).events[0], {
    kind: 'down',
    button: 1,
    x: 1,
    y: 1,
    ...NO_MODS,
    alt: true,
  });
  assert.deepEqual(parseAll([report(16 + 64, 2, 2)]).events[0], {
    kind: 'wheel-up',
    button: null,
    x: 1,
    y: 1,
    ...NO_MODS,
    ctrl: true,
  });
  assert.deepEqual(parseAll([report(4 + 8 + 16 + 32, 2, 2)]).events[0], {
    kind: 'move',
    button: 0,
    x: 1,
    y: 1,
    shift: true,
    alt: true,
    ctrl: true,
  });
});

test('several reports in one chunk come out in order', () => {
  const out = parseAll([report(0, 1, 1) + report(32, 2, 1) + report(32, 3, 1) + report(0, 3, 1, 'm')]);
  assert.deepEqual(
    out.events.map((e) => [e.kind, e.x]),
    [
      ['down', 0],
      ['move', 1],
      ['move', 2],
      ['up', 2],
    ],
  );
  assert.equal(out.rest, '');
});

/** Mouse reports interleaved with keys: letters, an arrow, Escape+letter (alt-x), a CSI with `<` lookalikes. */
const MIXED =
  'a' +
  report(0, 10, 5) +
  `${ESC}[A` +
  report(32, 11, 6) +
  'bc' +
  `${ESC}x` +
  report(64, 1, 1) +
  `${ESC}[<` +
  'q' +
  report(0, 11, 6, 'm') +
  'z';
const MIXED_KEYS = `a${ESC}[Abc${ESC}x${ESC}[<qz`;

test('keys interleaved with reports are passed through in order', () => {
  const out = parseAll([MIXED]);
  assert.equal(out.rest, MIXED_KEYS);
  assert.deepEqual(
    out.events.map((e) => e.kind),
    ['down', 'move', 'wheel-up', 'up'],
  );
});

test('a split at every byte position gives the same events and keys', () => {
  const whole = parseAll([MIXED]);
  for (let cut = 0; cut <= MIXED.length; cut++) {
    assert.deepEqual(parseAll([MIXED.slice(0, cut), MIXED.slice(cut)]), whole, `split at ${cut}`);
  }
  for (let a = 0; a <= MIXED.length; a++) {
    for (let b = a; b <= MIXED.length; b++) {
      assert.deepEqual(parseAll([MIXED.slice(0, a), MIXED.slice(a, b), MIXED.slice(b)]), whole, `split at ${a}, ${b}`);
    }
  }
  assert.deepEqual(parseAll([...MIXED]), whole, 'one byte at a time');
});

test('a report split across chunks is held, then completed', () => {
  const parser = createMouseParser();
  assert.deepEqual(parser.push(`k${ESC}[<0;1`), { events: [], rest: 'k' });
  assert.deepEqual(parser.push('0;5M'), { events: [{ kind: 'down', button: 0, x: 9, y: 4, ...NO_MODS }], rest: '' });
});

test('a held lone ESC is flushed at the next push, or by flush()', () => {
  const parser = createMouseParser();
  assert.deepEqual(parser.push(ESC), { events: [], rest: '' });
  assert.deepEqual(parser.push('x'), { events: [], rest: `${ESC}x` });
  assert.deepEqual(parser.push(`${ESC}[`), { events: [], rest: '' });
  assert.deepEqual(parser.push('B'), { events: [], rest: `${ESC}[B` });
  parser.push(ESC);
  assert.equal(parser.flush(), ESC);
  assert.equal(parser.flush(), '');
  assert.deepEqual(parser.push('y'), { events: [], rest: 'y' });
});

test('malformed and oversized reports are passed through as keys', () => {
  const bad = [`${ESC}[<;1;1M`, `${ESC}[<0;1M`, `${ESC}[<0;1;1X`, `${ESC}[<1234567;1;1M`, `${ESC}${ESC}[A`];
  for (const text of bad) assert.deepEqual(parseAll([text]), { events: [], rest: text }, JSON.stringify(text));
});

test('MOUSE_ON enables 1003 then 1006; MOUSE_OFF disables in reverse', () => {
  assert.equal(MOUSE_ON, `${ESC}[?1003h${ESC}[?1006h`);
  assert.equal(MOUSE_OFF, `${ESC}[?1006l${ESC}[?1003l`);
});
