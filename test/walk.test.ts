/** The parts of a latent walk: the path's spacing, the GIF encoding and the captioned frame. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decompressFrames, parseGIF } from 'gifuct-js';
import { createCanvas, encodeGrayGif, formatGuess, renderWalkFrame, walkFrameLayout } from '../src/images/index.js';
import { textWidth } from '../src/images/bitmap-font.js';
import { pointsAlongPath } from '../src/ml/index.js';

const pairs = (points: Float32Array) =>
  Array.from({ length: points.length / 2 }, (_, k) => [points[2 * k]!, points[2 * k + 1]!]);

describe('points along a path', () => {
  it('are spaced by distance along the whole path, not per segment', () => {
    // A leg of 3 and a leg of 1: per segment, each leg would get half the frames.
    assert.deepEqual(
      pairs(
        pointsAlongPath(
          [
            [0, 0],
            [3, 0],
            [3, 1],
          ],
          5,
        ),
      ),
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [3, 0],
        [3, 1],
      ],
    );
  });

  it('on any straight path, every step is the length over the frames between, and the ends are exact', () => {
    const coordinate = fc.double({ min: -100, max: 100, noNaN: true });
    fc.assert(
      fc.property(
        coordinate,
        coordinate,
        coordinate,
        coordinate,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        fc.integer({ min: 2, max: 600 }),
        (x0, y0, x1, y1, stops, count) => {
          // Waypoints on the line, in order, some perhaps repeated.
          const along = [...stops]
            .sort((a, b) => a - b)
            .map((t): [number, number] => [x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]);
          const points = pairs(pointsAlongPath([[x0, y0], ...along, [x1, y1]], count));
          assert.equal(points.length, count);
          // == rather than deepEqual: 0 and -0 are the same point.
          const [first, last] = [points[0]!, points.at(-1)!];
          assert.ok(first[0] == Math.fround(x0) && first[1] == Math.fround(y0), `starts at ${first}`);
          assert.ok(last[0] == Math.fround(x1) && last[1] == Math.fround(y1), `ends at ${last}`);
          const step = Math.hypot(x1 - x0, y1 - y0) / (count - 1);
          for (let k = 1; k < count; k++) {
            const [a, b] = [points[k - 1]!, points[k]!];
            assert.ok(Math.abs(Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!) - step) < 1e-4, `step ${k} of ${count}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a path of zero length stays on its point; no points or one frame are refused', () => {
    assert.deepEqual(pairs(pointsAlongPath([[0.5, -2]], 3)), [
      [0.5, -2],
      [0.5, -2],
      [0.5, -2],
    ]);
    assert.throws(() => pointsAlongPath([], 3), RangeError);
    assert.throws(() => pointsAlongPath([[0, 0]], 1), RangeError);
  });
});

describe('grey GIF', () => {
  it('decodes back to every 8-bit level it was given, with the delay in hundredths and an endless loop', () => {
    const frames = [0, 1, 2].map((n) => {
      const canvas = createCanvas(17, 9);
      canvas.pixels.forEach((_, i) => (canvas.pixels[i] = ((i * 37 + n * 101) % 256) / 255));
      canvas.pixels[0] = -0.5; // clipped to black
      canvas.pixels[1] = 2; // clipped to white
      return canvas;
    });
    const bytes = encodeGrayGif(frames, { delayMs: 45 });
    const gif = parseGIF(bytes.slice().buffer);
    const [loop, ...images] = gif.frames;
    assert.ok(loop && 'application' in loop, 'the loop extension comes first');
    // Sub-block 1 holds the loop count, little-endian; 0 loops forever.
    assert.equal(loop.application.id, 'NETSCAPE2.0');
    assert.deepEqual(Array.from(loop.application.blocks), [1, 0, 0]);
    for (const image of images) {
      assert.ok('image' in image && !image.image.descriptor.lct.exists, 'every frame uses the one global grey table');
    }
    const decoded = decompressFrames(gif, true);
    assert.equal(decoded.length, 3);
    decoded.forEach((frame, n) => {
      assert.equal(frame.delay, 50, '45 ms rounds to 5 hundredths');
      assert.deepEqual(frame.dims, { top: 0, left: 0, width: 17, height: 9 });
      const levels = Array.from({ length: 17 * 9 }, (_, i) => frame.patch[i * 4]!);
      const expected = Array.from(frames[n]!.pixels, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
      assert.deepEqual(levels, expected);
      for (let i = 0; i < levels.length; i++) {
        assert.equal(frame.patch[i * 4 + 1], levels[i], 'grey');
        assert.equal(frame.patch[i * 4 + 3], 255, 'opaque');
      }
    });
  });

  it('refuses no frames and frames of different sizes', () => {
    assert.throws(() => encodeGrayGif([], { delayMs: 80 }), /at least one frame/);
    assert.throws(() => encodeGrayGif([createCanvas(4, 4), createCanvas(4, 5)], { delayMs: 80 }), /differ in size/);
  });
});

describe('walk frame', () => {
  it('draws the digit in scale×scale blocks above a centred caption, black elsewhere', () => {
    const digit = new Float32Array(784);
    digit[3 * 28 + 5] = 1; // one lit pixel at row 3, column 5
    const scale = 4;
    const frame = renderWalkFrame(digit, formatGuess(7, 0.934), scale);
    const layout = walkFrameLayout(scale);
    assert.deepEqual([frame.width, frame.height], [layout.width, layout.height]);
    assert.equal(layout.width, 28 * scale);
    const at = (x: number, y: number) => frame.pixels[y * frame.width + x]!;
    for (let y = 0; y < layout.captionTop; y++) {
      for (let x = 0; x < frame.width; x++) {
        const lit = x >= 5 * scale && x < 6 * scale && y >= 3 * scale && y < 4 * scale;
        assert.equal(at(x, y), lit ? 1 : 0, `(${x}, ${y})`);
      }
    }
    // The caption's ink spans exactly its text width, centred.
    const inked = [];
    for (let x = 0; x < frame.width; x++) {
      for (let y = layout.captionTop; y < frame.height; y++) if (at(x, y) > 0) inked.push(x);
    }
    const width = textWidth('7 (93%)', layout.captionScale);
    const left = Math.floor((frame.width - width) / 2);
    assert.equal(Math.min(...inked), left);
    assert.equal(Math.max(...inked), left + width - 1);
  });

  it('the caption says the digit and its whole per cent', () => {
    assert.equal(formatGuess(7, 0.934), '7 (93%)');
    assert.equal(formatGuess(1, 0.9996), '1 (100%)');
    assert.equal(formatGuess(0, 0.004), '0 (0%)');
  });

  it('at every scale the widest caption fits, widening the frame where the digit is narrower', () => {
    for (let scale = 1; scale <= 64; scale++) {
      const layout = walkFrameLayout(scale);
      assert.ok(layout.width >= textWidth('0 (100%)', layout.captionScale), `scale ${scale}`);
      assert.ok(layout.width >= 28 * scale);
      assert.equal(layout.digitLeft, Math.floor((layout.width - 28 * scale) / 2));
      assert.doesNotThrow(() => renderWalkFrame(new Float32Array(784), '0 (100%)', scale));
    }
    assert.ok(walkFrameLayout(1).width > 28, 'scale 1 widens the frame for its caption');
  });
});
