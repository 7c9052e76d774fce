/**
 * `mnist-tui walk` end to end: tiny models trained once, the GIF decoded back with
 * gifuct-js and held against `generate` and `classify` at the same latent points.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { decompressFrames, parseGIF, type ParsedFrame } from 'gifuct-js';
import { PNG } from 'pngjs';
import { normaliseUnit } from '../src/data/index.js';
import { formatGuess, renderWalkFrame, walkFrameLayout } from '../src/images/index.js';
import { classifyImages, initBackend, loadClassifier, pointsAlongPath } from '../src/ml/index.js';
import { jsonLines, runCli } from './helpers/cli.js';

const temp = (prefix: string) => mkdtempSync(path.join(tmpdir(), `mnist-tui-walk-${prefix}-`));

interface WalkEvent {
  event: 'walk';
  backend: string;
  out: string;
  frames: number;
  width: number;
  height: number;
  delay: number;
  bytes: number;
  waypoints: [number, number][];
  captions: { z: [number, number]; digit: number; probability: number }[];
}

/** The frames of a GIF file, each as its full-size RGBA patch. */
function decodeGif(file: string): ParsedFrame[] {
  const bytes = readFileSync(file);
  return decompressFrames(parseGIF(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), true);
}

/** The grey level (red channel) of a decoded frame at (x, y). */
const level = (frame: ParsedFrame, x: number, y: number) => frame.patch[(y * frame.dims.width + x) * 4]!;

describe('walk with trained models', () => {
  let modelsDir: string;
  let walk: WalkEvent;
  let frames: ParsedFrame[];
  let classifier: NonNullable<Awaited<ReturnType<typeof loadClassifier>>>['model'];
  const scale = 3;
  const args = ['--from', '-1.5,-0.5', '--through', '0,1', '--through', '0.5,0', '--to', '1.5,0.5'];

  before(async () => {
    modelsDir = temp('models');
    for (const model of ['cnn', 'vae']) {
      const trained = await runCli(['train', model, '--epochs', '1', '--limit', '2000', '--models-dir', modelsDir]);
      assert.equal(trained.code, 0, trained.stderr);
    }
    const out = path.join(temp('gif'), 'walk.gif');
    const result = await runCli([
      'walk',
      ...args,
      '--frames',
      '12',
      '--scale',
      String(scale),
      '--delay',
      '50',
      '--out',
      out,
      '--json',
      '--models-dir',
      modelsDir,
    ]);
    assert.equal(result.code, 0, result.stderr);
    [walk] = jsonLines(result.stdout) as unknown as [WalkEvent];
    frames = decodeGif(out);
    // The backend the CLI picked, so the CNN's numbers here are the ones it captioned with.
    assert.equal(walk.backend, 'wasm');
    await initBackend('wasm');
    classifier = (await loadClassifier(modelsDir))!.model;
  });

  it('writes one GIF frame per asked frame, all of the reported size and delay, and reports its bytes', () => {
    assert.equal(walk.event, 'walk');
    assert.equal(walk.frames, 12);
    assert.equal(walk.bytes, statSync(walk.out).size);
    assert.equal(frames.length, 12);
    const layout = walkFrameLayout(scale);
    assert.deepEqual([walk.width, walk.height], [layout.width, layout.height]);
    assert.ok(walk.width >= 28 * scale && walk.height > 28 * scale, 'room for the digit and its caption');
    for (const frame of frames) {
      assert.deepEqual(frame.dims, { top: 0, left: 0, width: walk.width, height: walk.height });
      assert.equal(frame.delay, 50);
    }
    assert.deepEqual(
      readdirSync(path.dirname(walk.out)).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left',
    );
  });

  it('frames run from --from through each --through in order to --to, evenly spaced along the path', () => {
    assert.deepEqual(walk.waypoints, [
      [-1.5, -0.5],
      [0, 1],
      [0.5, 0],
      [1.5, 0.5],
    ]);
    assert.deepEqual(walk.captions[0]!.z, [-1.5, -0.5]);
    assert.deepEqual(walk.captions.at(-1)!.z, [1.5, 0.5]);
    const expected = pointsAlongPath(walk.waypoints, 12);
    walk.captions.forEach(({ z }, k) => assert.deepEqual(z, [expected[2 * k], expected[2 * k + 1]]));
  });

  it('the digit changes along the path', () => {
    const digitPixels = (frame: ParsedFrame) =>
      Array.from({ length: 28 * scale * 28 * scale }, (_, i) =>
        level(frame, i % (28 * scale), Math.floor(i / (28 * scale))),
      );
    const distinct = new Set(frames.map((frame) => digitPixels(frame).join()));
    assert.ok(distinct.size >= 10, `${distinct.size} distinct digits in 12 frames`);
    const first = digitPixels(frames[0]!);
    const last = digitPixels(frames.at(-1)!);
    const changed = first.filter((v, i) => Math.abs(v - last[i]!) > 64).length;
    assert.ok(changed > 200, `${changed} pixels differ by more than a quarter between the ends`);
  });

  for (const k of [0, 5, 11]) {
    it(`frame ${k} shows what generate --z draws there, captioned with the CNN's guess for it`, async () => {
      const { z, digit, probability } = walk.captions[k]!;
      const dir = temp('frame');
      const png = path.join(dir, 'digit.png');
      const generated = await runCli([
        'generate',
        '--z',
        z.join(','),
        '--scale',
        String(scale),
        '--out',
        png,
        '--models-dir',
        modelsDir,
      ]);
      assert.equal(generated.code, 0, generated.stderr);
      const image = PNG.sync.read(readFileSync(png));
      const { digitLeft, digitTop, captionTop } = walkFrameLayout(scale);
      const frame = frames[k]!;
      let worst = 0;
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const gap = Math.abs(level(frame, digitLeft + x, digitTop + y) - image.data[(y * image.width + x) * 4]!);
          worst = Math.max(worst, gap);
        }
      }
      // Both round the decoder's output to 8 bits; a batch of 12 and a batch of 1 may differ in the last float bit.
      assert.ok(worst <= 1, `the frame's digit differs from generate's by up to ${worst} levels`);

      // The CNN, in this process on the same backend, on the digit generate decodes at z (as floats, before any PNG).
      const json = await runCli(['generate', '--z', z.join(','), '--json', '--models-dir', modelsDir]);
      assert.equal(json.code, 0, json.stderr);
      const [{ pixels }] = jsonLines(json.stdout) as [{ pixels: number[] }];
      const probabilities = classifyImages(classifier, normaliseUnit(Float32Array.from(pixels)));
      const best = probabilities.indexOf(Math.max(...probabilities));
      assert.equal(digit, best, `caption ${digit} (${probability}), the CNN: ${Array.from(probabilities)}`);
      assert.ok(Math.abs(probability - probabilities[best]!) < 1e-5, `${probability} vs ${probabilities[best]}`);

      // The caption band holds exactly the text "d (p%)" in the caption font.
      const expected = renderWalkFrame(new Float32Array(784), formatGuess(digit, probability), scale);
      let mismatched = 0;
      for (let y = captionTop; y < walk.height; y++) {
        for (let x = 0; x < walk.width; x++) {
          if (level(frame, x, y) !== Math.round(expected.pixels[y * walk.width + x]! * 255)) mismatched++;
        }
      }
      assert.equal(mismatched, 0, `caption "${formatGuess(digit, probability)}" is drawn under the digit`);
    });
  }

  it('text output names the file, the frames and the digits passed', async () => {
    const out = path.join(temp('text'), 'short.GIF');
    const result = await runCli([
      'walk',
      '--from',
      '0,0',
      '--to',
      '1,1',
      '--frames',
      '2',
      '--out',
      out,
      '--models-dir',
      modelsDir,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Wrote .*short\.GIF \(2 frames of 112×130, \d+ bytes\): \d(→\d)?, backend \w+\n$/);
    assert.equal(decodeGif(out).length, 2);
  });

  it('a folder that cannot be written is one line with exit code 1, leaving nothing behind', async () => {
    const out = path.join(temp('missing'), 'no', 'such', 'walk.gif');
    const result = await runCli(['walk', '--from', '0,0', '--to', '1,1', '--out', out, '--models-dir', modelsDir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^mnist-tui: .*walk\.gif: cannot write: ENOENT\n$/);
    assert.equal(existsSync(path.dirname(out)), false);
  });
});

describe('walk refuses bad input', () => {
  const base = ['walk', '--from', '0,0', '--to', '1,1'];
  const usage: [string, string[], RegExp][] = [
    ['no --out', base, /walk needs --out FILE\.gif/],
    ['a PNG name', [...base, '--out', 'w.png'], /--out must name a \.gif file, got "w\.png"/],
    ['no --to', ['walk', '--from', '0,0', '--out', 'w.gif'], /walk needs --from X,Y and --to X,Y/],
    [
      'a point out of range',
      ['walk', '--from', '101,0', '--to', '1,1', '--out', 'w.gif'],
      /--from needs two numbers from -100 to 100 as X,Y, got "101,0"/,
    ],
    [
      'a bad --through',
      [...base, '--through', '0,0', '--through', '1', '--out', 'w.gif'],
      /--through needs two numbers .* got "1"/,
    ],
    ['one frame', [...base, '--frames', '1', '--out', 'w.gif'], /--frames must be at least 2, got 1/],
    ['too many frames', [...base, '--frames', '601', '--out', 'w.gif'], /--frames can be at most 600, got 601/],
    ['too short a delay', [...base, '--delay', '10', '--out', 'w.gif'], /--delay must be at least 20, got 10/],
    ['--from twice', [...base, '--from', '1,1', '--out', 'w.gif'], /--from is given more than once/],
    ['a flag of another command', [...base, '--z', '0,0', '--out', 'w.gif'], /walk does not take --z/],
  ];
  for (const [what, argv, message] of usage) {
    it(`${what}: one usage line, exit code 2, nothing written`, async () => {
      const dir = temp('usage');
      const result = await runCli([...argv, '--models-dir', path.join(dir, 'models')]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`^mnist-tui: ${message.source}.*; run mnist-tui walk --help for usage\\n$`),
      );
      assert.equal(existsSync(path.join(dir, 'models')), false);
    });
  }

  it('without models, the shipped ones turned off: says how to train them, exit code 1, as a JSON event', async () => {
    const dir = temp('empty');
    const out = path.join(dir, 'w.gif');
    const args = [...base, '--out', out, '--json', '--models-dir', path.join(dir, 'models')];
    const result = await runCli(args, { MNIST_TUI_NO_PRETRAINED: '1' });
    assert.equal(result.code, 1);
    const [event] = jsonLines(result.stdout);
    assert.equal(event!.event, 'error');
    assert.match(String(event!.message), /no trained VAE in .*; run: mnist-tui train vae/);
    assert.equal(existsSync(out), false);
  });
});
