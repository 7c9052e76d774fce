import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadMnist } from '../src/data/index.js';
import { encodeGrayPng } from '../src/data/png-digit.js';
import {
  loadVae,
  NO_PRETRAINED_ENV_VAR,
  PRETRAINED_DIR,
  readShippedTestEncodings,
  type ModelMetadata,
} from '../src/ml/index.js';
import { summariseTestSet } from '../src/ml/new-numbers/index.js';
import { useBackend } from './helpers/backends.js';
import { jsonLines, runCli } from './helpers/cli.js';

const temp = (name: string) => mkdtempSync(path.join(tmpdir(), `mnist-tui-pretrained-${name}-`));

/** Every file under `dir` with the SHA-256 of its bytes, by relative path. */
function fingerprint(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(
    files.map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return [path.relative(dir, file), createHash('sha256').update(readFileSync(file)).digest('hex')];
    }),
  );
}

function shipped(model: 'cnn' | 'vae'): ModelMetadata {
  return JSON.parse(readFileSync(path.join(PRETRAINED_DIR, model, 'metadata.json'), 'utf8')) as ModelMetadata;
}

interface EvalEvent {
  event: string;
  testImages: number;
  models: Record<string, string>;
  cnn: { testAccuracy: number };
  vae: { testNegElbo: number };
}

/** The shipped metrics, as eval must reproduce them: the same test set, the same weights. */
function assertShippedMetrics(report: EvalEvent): void {
  assert.equal(report.testImages, 10000);
  assert.deepEqual(report.models, { cnn: 'pretrained', vae: 'pretrained' });
  assert.ok(Math.abs(report.cnn.testAccuracy - shipped('cnn').metrics.testAccuracy!) <= 1e-6);
  assert.ok(Math.abs(report.vae.testNegElbo - shipped('vae').metrics.testNegElbo!) <= 1e-6);
}

describe('the shipped pretrained models', () => {
  let png: string;

  before(async () => {
    png = path.join(temp('png'), 'seven.png');
    const { test } = await loadMnist({ limit: 1 });
    // The first test digit, a 7, in MNIST's own frame.
    writeFileSync(png, encodeGrayPng(test.images.subarray(0, 784), 28, 28, 1));
  });

  it('are the defaults, trained to the end with seed 42 on all 60,000 images', () => {
    for (const model of ['cnn', 'vae'] as const) {
      const metadata = shipped(model);
      assert.equal(metadata.seed, 42, model);
      assert.equal(metadata.trainImages, 60000, model);
      assert.equal(metadata.batchSize, 128, model);
      assert.equal(metadata.epochs, metadata.epochsPlanned, `${model} completed its epochs`);
    }
  });

  it("come with the VAE's encodings of the bundled test set, as encoding it again gives them", async () => {
    await useBackend('wasm');
    const shippedEncodings = await readShippedTestEncodings();
    assert.ok(shippedEncodings !== undefined, 'the encodings are shipped');
    const vae = await loadVae(temp('none'), 'only');
    assert.equal(vae?.metadata.origin, 'pretrained');
    const { test } = await loadMnist({});
    const { encodings } = summariseTestSet(vae!.vae, test);
    vae!.vae.encoder.dispose();
    vae!.vae.decoder.dispose();
    assert.equal(shippedEncodings.length, encodings.length);
    // The same weights and kernels; a tolerance only for a machine whose SIMD rounds otherwise.
    const worst = encodings.reduce((most, value, i) => Math.max(most, Math.abs(value - shippedEncodings[i]!)), 0);
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
  });

  it('stand in when the models folder is empty: eval --json reports their metrics and says they are pretrained', async () => {
    const result = await runCli(['eval', '--json', '--models-dir', temp('empty')]);
    assert.equal(result.code, 0, result.stderr);
    assertShippedMetrics(jsonLines(result.stdout)[0] as unknown as EvalEvent);
  });

  it('generate and classify work on them and say so, in JSON and in words', async () => {
    const empty = temp('empty');
    const generated = await runCli(['generate', '--z', '0,0', '--json', '--models-dir', empty]);
    assert.equal(generated.code, 0, generated.stderr);
    const [event] = jsonLines(generated.stdout);
    assert.deepEqual(event.models, { vae: 'pretrained' });
    assert.equal((event.pixels as number[]).length, 784);

    const classified = await runCli(['classify', png, '--json', '--models-dir', empty]);
    assert.equal(classified.code, 0, classified.stderr);
    const [reading] = jsonLines(classified.stdout);
    assert.deepEqual(reading.models, { cnn: 'pretrained' });
    assert.equal(reading.digit, 7);

    const accuracy = (shipped('cnn').metrics.testAccuracy! * 100).toFixed(2);
    const words = await runCli(['classify', png, '--models-dir', empty]);
    assert.equal(words.code, 0, words.stderr);
    assert.match(words.stdout.split('\n')[0]!, new RegExp(`: 7 \\(.*, CNN \\(pretrained, ${accuracy}%\\)$`));
  });

  it(`${NO_PRETRAINED_ENV_VAR} turns them off: an empty models folder has nothing to use`, async () => {
    const result = await runCli(['generate', '--z', '0,0', '--models-dir', temp('off')], {
      [NO_PRETRAINED_ENV_VAR]: '1',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^mnist-tui: no trained VAE in .*; run: mnist-tui train vae\n$/);
  });

  describe('once a model is trained', () => {
    let modelsDir: string;
    let shippedBefore: Record<string, string>;
    let trained: ModelMetadata;

    before(async () => {
      shippedBefore = fingerprint(PRETRAINED_DIR);
      modelsDir = temp('models');
      const result = await runCli(['train', 'cnn', '--epochs', '1', '--limit', '500', '--models-dir', modelsDir]);
      assert.equal(result.code, 0, result.stderr);
      trained = JSON.parse(readFileSync(path.join(modelsDir, 'cnn', 'metadata.json'), 'utf8'));
    });

    it('training wrote to the models folder and left the shipped folder byte for byte as it was', () => {
      assert.equal(trained.epochs, 1);
      assert.equal(trained.origin, undefined, 'where a copy came from is not saved with it');
      assert.deepEqual(fingerprint(PRETRAINED_DIR), shippedBefore);
    });

    it('the trained model takes over from the shipped one; the other stays pretrained', async () => {
      const classified = await runCli(['classify', png, '--json', '--models-dir', modelsDir]);
      assert.equal(classified.code, 0, classified.stderr);
      assert.deepEqual(jsonLines(classified.stdout)[0]!.models, { cnn: 'trained' });
      const accuracy = (trained.metrics.testAccuracy! * 100).toFixed(2);
      const words = await runCli(['classify', png, '--models-dir', modelsDir]);
      assert.match(words.stdout.split('\n')[0]!, new RegExp(`CNN \\(trained, ${accuracy}%\\)$`));
      const generated = await runCli([
        'generate',
        '--z',
        '0,0',
        '--json',
        '--out',
        path.join(modelsDir, 'g.png'),
        '--models-dir',
        modelsDir,
      ]);
      assert.equal(generated.code, 0, generated.stderr);
      assert.deepEqual(jsonLines(generated.stdout)[0]!.models, { vae: 'pretrained' });
    });

    it('eval --pretrained evaluates the shipped models whatever the models folder holds, and reproduces their metrics', async () => {
      const result = await runCli(['eval', '--pretrained', '--json', '--models-dir', modelsDir]);
      assert.equal(result.code, 0, result.stderr);
      assertShippedMetrics(jsonLines(result.stdout)[0] as unknown as EvalEvent);
    });
  });

  it('are never trained into: their folder as --models-dir is refused in one line', async () => {
    const before = fingerprint(PRETRAINED_DIR);
    const result = await runCli(['train', 'cnn', '--epochs', '1', '--limit', '100', '--models-dir', PRETRAINED_DIR]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `mnist-tui: ${PRETRAINED_DIR} holds the shipped pretrained models, which training never replaces\n`,
    );
    assert.deepEqual(fingerprint(PRETRAINED_DIR), before);
  });
});
