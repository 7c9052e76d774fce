import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from 'sixel';
import {
  colourDepth,
  encodeSixel,
  GraphicsModeError,
  grayTo256,
  renderAscii,
  renderHalfBlocks,
  SIXEL_GRAY_LEVELS,
  upscale,
  type DigitImage,
} from '../src/render/index.js';
import { detectGraphics, parseDeviceAttributes, wrapForTmux, type GraphicsProbe } from '../src/ui/graphics/index.js';

const ESC = '\x1b';

function image(width: number, height: number, values: number[]): DigitImage {
  return { width, height, pixels: Float32Array.from(values) };
}

/** A deterministic pseudo-random image, so failures repeat. */
function noiseImage(width: number, height: number, seed: number): DigitImage {
  let state = seed;
  const values = Array.from({ length: width * height }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  });
  return image(width, height, values);
}

const TWO_BY_TWO = image(2, 2, [0, 1, 0.5, 0.25]);
const THREE_BY_FOUR = image(3, 4, [0, 0.5, 1, 0.25, 0.75, 1, 1, 0, 0, 0.1, 0.2, 0.3]);

test('half blocks, truecolor: upper pixel is fg, lower is bg, line ends with a reset', () => {
  assert.deepEqual(renderHalfBlocks(TWO_BY_TWO, { colour: 'truecolor' }), [
    `${ESC}[38;2;0;0;0;48;2;128;128;128m▀${ESC}[38;2;255;255;255;48;2;64;64;64m▀${ESC}[0m`,
  ]);
});

test('half blocks, 256 colours: grey ramp and cube black/white', () => {
  assert.deepEqual(renderHalfBlocks(THREE_BY_FOUR, { colour: '256' }), [
    `${ESC}[38;5;16;48;5;238m▀${ESC}[38;5;244;48;5;250m▀${ESC}[38;5;231;48;5;231m▀${ESC}[0m`,
    `${ESC}[38;5;231;48;5;234m▀${ESC}[38;5;16;48;5;236m▀${ESC}[38;5;16;48;5;239m▀${ESC}[0m`,
  ]);
});

test('half blocks repeat a colour code only when it changes', () => {
  assert.deepEqual(renderHalfBlocks(image(3, 2, [1, 1, 1, 1, 1, 1]), { colour: '256' }), [
    `${ESC}[38;5;231;48;5;231m▀▀▀${ESC}[0m`,
  ]);
});

test('half blocks pair an odd last row with black', () => {
  assert.deepEqual(renderHalfBlocks(image(1, 3, [0, 0, 1]), { colour: 'truecolor' }), [
    `${ESC}[38;2;0;0;0;48;2;0;0;0m▀${ESC}[0m`,
    `${ESC}[38;2;255;255;255;48;2;0;0;0m▀${ESC}[0m`,
  ]);
});

test('half blocks clamp out-of-range and NaN levels', () => {
  assert.deepEqual(renderHalfBlocks(image(2, 2, [-1, NaN, 2, 0.5]), { colour: 'truecolor' }), [
    `${ESC}[38;2;0;0;0;48;2;255;255;255m▀${ESC}[38;2;0;0;0;48;2;128;128;128m▀${ESC}[0m`,
  ]);
});

test('half blocks scale by nearest neighbour', () => {
  const scaled = renderHalfBlocks(TWO_BY_TWO, { colour: 'truecolor', scale: 2 });
  assert.deepEqual(scaled, [
    `${ESC}[38;2;0;0;0;48;2;0;0;0m▀▀${ESC}[38;2;255;255;255;48;2;255;255;255m▀▀${ESC}[0m`,
    `${ESC}[38;2;128;128;128;48;2;128;128;128m▀▀${ESC}[38;2;64;64;64;48;2;64;64;64m▀▀${ESC}[0m`,
  ]);
  const big = renderHalfBlocks(THREE_BY_FOUR, { colour: '256', scale: 3 });
  assert.equal(big.length, 6);
  for (const line of big) assert.equal([...line].filter((c) => c === '▀').length, 9);
});

test('upscale refuses non-integer and non-positive factors', () => {
  assert.throws(() => upscale(TWO_BY_TWO, 0), RangeError);
  assert.throws(() => upscale(TWO_BY_TWO, 1.5), RangeError);
  assert.deepEqual(Array.from(upscale(image(2, 1, [0, 1]), 2).pixels), [0, 0, 1, 1, 0, 0, 1, 1]);
});

test('256 ramp: ends map to cube black/white, everything else to the nearest of 232–255', () => {
  assert.equal(grayTo256(0), 16);
  assert.equal(grayTo256(255), 231);
  assert.equal(grayTo256(8), 232);
  assert.equal(grayTo256(238), 255);
  const greyOf = (index: number): number => (index === 16 ? 0 : index === 231 ? 255 : 8 + 10 * (index - 232));
  const candidates = [16, 231, ...Array.from({ length: 24 }, (_, i) => 232 + i)];
  let previousGrey = -1;
  for (let byte = 0; byte <= 255; byte++) {
    const index = grayTo256(byte);
    assert.ok(index === 16 || index === 231 || (index >= 232 && index <= 255), `byte ${byte} → ${index}`);
    const best = Math.min(...candidates.map((c) => Math.abs(greyOf(c) - byte)));
    assert.equal(Math.abs(greyOf(index) - byte), best, `byte ${byte} is not mapped to the nearest grey`);
    assert.ok(greyOf(index) >= previousGrey, 'ramp must not get darker as input brightens');
    previousGrey = greyOf(index);
  }
});

test('ascii: shades, two columns per pixel, scale', () => {
  assert.deepEqual(renderAscii(TWO_BY_TWO), ['  @@', '++::']);
  assert.deepEqual(renderAscii(image(2, 1, [0, 1]), 2), ['    @@@@', '    @@@@']);
});

test('ascii output never contains an escape character', () => {
  const lines = renderAscii(noiseImage(28, 28, 7), 2);
  assert.equal(lines.length, 56);
  for (const line of lines) {
    assert.ok(!line.includes(ESC));
    assert.equal(line.length, 28 * 2 * 2);
  }
});

/** The grey a pixel should come back as: snapped to the palette, via the percentages sixel uses. */
function expectedSixelGrey(level: number): number {
  const clamped = Number.isNaN(level) ? 0 : Math.min(1, Math.max(0, level));
  const percent = Math.round((Math.round(clamped * (SIXEL_GRAY_LEVELS - 1)) * 100) / (SIXEL_GRAY_LEVELS - 1));
  return Math.round((percent * 255) / 100);
}

function assertSixelRoundTrip(img: DigitImage, scale: number): void {
  const seq = encodeSixel(img, scale);
  assert.ok(seq.startsWith(`${ESC}P`), 'starts with DCS');
  assert.ok(seq.endsWith(`${ESC}\\`), 'ends with ST');
  const w = img.width * scale;
  const h = img.height * scale;
  assert.ok(seq.includes(`"1;1;${w};${h}`), 'carries raster attributes');
  const body = seq.slice(seq.indexOf('q') + 1, -2);
  const decoded = decode(body);
  assert.equal(decoded.width, w);
  assert.equal(decoded.height, h);
  const want = upscale(img, scale);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = [decoded.data8[i * 4]!, decoded.data8[i * 4 + 1]!, decoded.data8[i * 4 + 2]!];
    const grey = expectedSixelGrey(want.pixels[i]!);
    assert.deepEqual([r, g, b], [grey, grey, grey], `pixel ${i}`);
  }
}

test('sixel round trip: decoded pixels equal the input snapped to the grey palette', () => {
  assertSixelRoundTrip(TWO_BY_TWO, 1);
  assertSixelRoundTrip(THREE_BY_FOUR, 1);
  assertSixelRoundTrip(THREE_BY_FOUR, 2);
  assertSixelRoundTrip(noiseImage(28, 28, 3), 2);
  assertSixelRoundTrip(image(2, 1, [-0.5, NaN]), 1);
});

test('tmux passthrough doubles every ESC and wraps in its DCS', () => {
  const seq = `${ESC}Pq#0${ESC}\\`;
  assert.equal(wrapForTmux(seq), `${ESC}Ptmux;${ESC}${ESC}Pq#0${ESC}${ESC}\\${ESC}\\`);
  const wrapped = wrapForTmux(encodeSixel(THREE_BY_FOUR, 1));
  const inner = wrapped.slice(`${ESC}Ptmux;`.length, -2);
  assert.equal(inner.replaceAll(`${ESC}${ESC}`, ESC), encodeSixel(THREE_BY_FOUR, 1));
});

test('colour depth from COLORTERM', () => {
  assert.equal(colourDepth({ COLORTERM: 'truecolor' }), 'truecolor');
  assert.equal(colourDepth({ COLORTERM: '24bit' }), 'truecolor');
  assert.equal(colourDepth({ COLORTERM: 'yes' }), '256');
  assert.equal(colourDepth({}), '256');
});

test('DA1 replies are parsed into parameters', () => {
  assert.deepEqual(parseDeviceAttributes(`${ESC}[?62;4;22c`), [62, 4, 22]);
  assert.deepEqual(parseDeviceAttributes(`junk${ESC}[?1;2c`), [1, 2]);
  assert.equal(parseDeviceAttributes(`${ESC}[?62;4`), undefined);
});

/**
 * A fake terminal: answers the DA1 query with `reply` chunks, each on a later turn of the
 * event loop, or never when `reply` is null. Its timeout is far off, so an answer always
 * arrives first however loaded the machine; the test of the timeout sets its own.
 */
function fakeTerminal(reply: string[] | null, env: GraphicsProbe['env'] = {}, extra: Partial<GraphicsProbe> = {}) {
  const written: string[] = [];
  const listeners = new Set<(chunk: string) => void>();
  const io: GraphicsProbe = {
    env,
    timeoutMs: 60_000,
    write(s) {
      written.push(s);
      if (reply === null) return;
      const deliver = (chunks: string[]) => {
        if (chunks.length === 0) return;
        setImmediate(() => {
          listeners.forEach((cb) => cb(chunks[0]));
          deliver(chunks.slice(1));
        });
      };
      deliver(reply);
    },
    onData(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    ...extra,
  };
  return { io, written, listeners };
}

test('detect: a terminal whose DA1 lists 4 gets sixel', async () => {
  const t = fakeTerminal([`${ESC}[?62;4;6;22c`]);
  assert.equal(await detectGraphics(t.io), 'sixel');
  assert.deepEqual(t.written, [`${ESC}[c`]);
  assert.equal(t.listeners.size, 0, 'unsubscribed after the reply');
});

test('detect: a DA1 without 4 (even with 14 or 42) gets blocks', async () => {
  assert.equal(await detectGraphics(fakeTerminal([`${ESC}[?62;1;22c`]).io), 'blocks');
  assert.equal(await detectGraphics(fakeTerminal([`${ESC}[?64;14;42c`]).io), 'blocks');
});

test('detect: a reply split across chunks, after stray input, is still read', async () => {
  assert.equal(await detectGraphics(fakeTerminal(['x', `${ESC}[?6`, `2;4c`]).io), 'sixel');
  assert.equal(await detectGraphics(fakeTerminal([`${ESC}`, `[?1;2;4c`]).io), 'sixel');
});

test('detect: a terminal that never answers gets blocks after the timeout', async () => {
  const t = fakeTerminal(null, {}, { timeoutMs: 30 });
  const started = performance.now();
  assert.equal(await detectGraphics(t.io), 'blocks');
  assert.ok(performance.now() - started >= 25);
  assert.equal(t.listeners.size, 0, 'unsubscribed after the timeout');
});

test('detect: forced modes win and skip the query', async () => {
  const flag = fakeTerminal([`${ESC}[?62;4c`], { TERM: 'dumb', MNIST_TUI_GRAPHICS: 'ascii' }, { forced: 'sixel' });
  assert.equal(await detectGraphics(flag.io), 'sixel');
  assert.deepEqual(flag.written, []);
  const env = fakeTerminal([`${ESC}[?62;4c`], { MNIST_TUI_GRAPHICS: 'blocks' });
  assert.equal(await detectGraphics(env.io), 'blocks');
  assert.deepEqual(env.written, []);
  const auto = fakeTerminal([`${ESC}[?62;4c`], { MNIST_TUI_GRAPHICS: 'auto' });
  assert.equal(await detectGraphics(auto.io), 'sixel');
});

test('detect: an unknown forced mode in the environment is a GraphicsModeError', async () => {
  await assert.rejects(detectGraphics(fakeTerminal(null, { MNIST_TUI_GRAPHICS: 'kitty' }).io), GraphicsModeError);
});

test('detect: TERM=dumb and NO_COLOR give ascii without asking; empty NO_COLOR does not count', async () => {
  const dumb = fakeTerminal([`${ESC}[?62;4c`], { TERM: 'dumb' });
  assert.equal(await detectGraphics(dumb.io), 'ascii');
  assert.deepEqual(dumb.written, []);
  const noColor = fakeTerminal([`${ESC}[?62;4c`], { NO_COLOR: '1' });
  assert.equal(await detectGraphics(noColor.io), 'ascii');
  assert.deepEqual(noColor.written, []);
  assert.equal(await detectGraphics(fakeTerminal([`${ESC}[?62;4c`], { NO_COLOR: '' }).io), 'sixel');
});
