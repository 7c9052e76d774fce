import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellOf, LATENT_EXTENT, pointAt } from '../src/ui/layout/index.js';
import {
  createGraphicsOverlay,
  decodeKeys,
  FALLBACK_CELL_SIZE,
  parseCellSize,
  probeCellSize,
  type OverlayImage,
} from '../src/ui/terminal/index.js';
import { FakeStdout } from './helpers/tui-harness.js';

describe('decodeKeys', () => {
  const cases: [string, string, ReturnType<typeof decodeKeys>][] = [
    [
      'letters and digits',
      'q0L',
      [
        { name: 'char', char: 'q', shift: false, ctrl: false },
        { name: 'char', char: '0', shift: false, ctrl: false },
        { name: 'char', char: 'L', shift: false, ctrl: false },
      ],
    ],
    [
      'arrows, normal and application mode',
      '\x1b[A\x1bOD',
      [
        { name: 'up', char: '', shift: false, ctrl: false },
        { name: 'left', char: '', shift: false, ctrl: false },
      ],
    ],
    [
      'Shift+arrows, xterm and rxvt',
      '\x1b[1;2C\x1b[b',
      [
        { name: 'right', char: '', shift: true, ctrl: false },
        { name: 'down', char: '', shift: true, ctrl: false },
      ],
    ],
    [
      'Tab, Shift-Tab, Enter, Backspace',
      '\t\x1b[Z\r\x7f',
      [
        { name: 'tab', char: '', shift: false, ctrl: false },
        { name: 'backtab', char: '', shift: true, ctrl: false },
        { name: 'return', char: '', shift: false, ctrl: false },
        { name: 'backspace', char: '', shift: false, ctrl: false },
      ],
    ],
    [
      'Ctrl-C and a lone Escape',
      '\x03\x1b',
      [
        { name: 'char', char: 'c', shift: false, ctrl: true },
        { name: 'escape', char: '', shift: false, ctrl: false },
      ],
    ],
    ['sequences with no use here are dropped: F5, a late DA1 reply', '\x1b[15~\x1b[?62;4c', []],
  ];
  for (const [what, input, keys] of cases) it(what, () => assert.deepEqual(decodeKeys(input), keys));
});

describe('the latent grid', () => {
  const grid = { columns: 38, rows: 19 };
  it('every cell centre maps back to its cell', () => {
    for (let row = 0; row < grid.rows; row++) {
      for (let col = 0; col < grid.columns; col++)
        assert.deepEqual(cellOf(pointAt(col, row, grid), grid), { col, row });
    }
  });
  it('y grows upwards; the edges belong to the outer cells; beyond is off the map', () => {
    assert.deepEqual(cellOf([-LATENT_EXTENT, LATENT_EXTENT], grid), { col: 0, row: 0 });
    assert.deepEqual(cellOf([LATENT_EXTENT, -LATENT_EXTENT], grid), { col: 37, row: 18 });
    assert.equal(cellOf([LATENT_EXTENT + 0.01, 0], grid), undefined);
  });
});

describe('cell size', () => {
  it('parses the reply to CSI 16 t', () => {
    assert.deepEqual(parseCellSize('junk\x1b[6;20;10t'), { width: 10, height: 20 });
    assert.equal(parseCellSize('\x1b[6;20'), undefined);
  });
  it('falls back to a small cell when the terminal stays silent', async () => {
    const size = await probeCellSize({ write: () => undefined, onData: () => () => undefined, timeoutMs: 5 });
    assert.deepEqual(size, FALLBACK_CELL_SIZE);
  });
});

describe('graphics overlay', () => {
  const image: OverlayImage = { row: 2, col: 40, columns: 3, rows: 2, kind: 'text', lines: ['abc', 'def'] };
  const SYNC_ON = '\x1b[?2026h';

  it('appends the image to each frame, with the cursor saved and restored; other writes pass through', () => {
    const stdout = new FakeStdout(80, 24);
    const overlay = createGraphicsOverlay(stdout as unknown as NodeJS.WriteStream, () => undefined);
    overlay.show([image]);
    overlay.stdout.write(SYNC_ON);
    overlay.stdout.write('frame\n');
    overlay.stdout.write('again\n');
    const draw = '\x1b7\x1b[3;41Habc\x1b[4;41Hdef\x1b[0m\x1b8';
    assert.deepEqual(stdout.writes, [SYNC_ON, `\x1b7\x1b8frame\n${draw}`, `\x1b7\x1b8again\n${draw}`]);
  });

  it('erases the cells of an image that goes away, before the frame', () => {
    const stdout = new FakeStdout(80, 24);
    const overlay = createGraphicsOverlay(stdout as unknown as NodeJS.WriteStream, () => undefined);
    overlay.show([image]);
    overlay.stdout.write('one\n');
    overlay.show([]);
    overlay.stdout.write('two\n');
    assert.equal(stdout.writes[1], '\x1b7\x1b[0m\x1b[3;41H\x1b[3X\x1b[4;41H\x1b[3X\x1b8two\n\x1b7\x1b8');
  });

  it('draws on its own when no frame carries a change', () => {
    const stdout = new FakeStdout(80, 24);
    const tasks: (() => void)[] = [];
    const overlay = createGraphicsOverlay(stdout as unknown as NodeJS.WriteStream, (task) => tasks.push(task));
    overlay.show([image]);
    overlay.stdout.write('frame\n');
    tasks.splice(0).forEach((task) => task());
    assert.equal(stdout.writes.length, 1, 'the frame carried it');
    const sixel: OverlayImage = {
      row: 1,
      col: 40,
      columns: 28,
      rows: 14,
      kind: 'sixel',
      sequence: '\x1bPq#0!28~\x1b\\',
    };
    overlay.show([sixel]);
    tasks.splice(0).forEach((task) => task());
    assert.equal(
      stdout.writes[1],
      '\x1b7\x1b[0m\x1b[3;41H\x1b[3X\x1b[4;41H\x1b[3X\x1b8\x1b7\x1b[2;41H\x1bPq#0!28~\x1b\\\x1b8',
    );
  });
});
