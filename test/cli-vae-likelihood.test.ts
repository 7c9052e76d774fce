import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { jsonLines, runCli } from './helpers/cli.js';

const temp = (prefix: string) => mkdtempSync(path.join(tmpdir(), `mnist-tui-likelihood-${prefix}-`));

describe('eval --iw and train vae --binarize', () => {
  const usageErrors: [string, string[], RegExp][] = [
    ['no samples', ['eval', '--iw', '0'], /--iw must be at least 1, got 0/],
    ['more samples than the cap', ['eval', '--iw', '5001'], /--iw can be at most 5000, got 5001/],
    ['samples that are not a number', ['eval', '--iw', 'many'], /--iw needs a whole number from 1 to 5000/],
    ['--iw without its value', ['eval', '--iw'], /--iw needs a value/],
    ['--iw on train', ['train', 'vae', '--iw', '10'], /train does not take --iw/],
    ['--binarize with a value', ['train', 'vae', '--binarize=yes'], /--binarize takes no value/],
    ['--binarize on eval', ['eval', '--binarize'], /eval does not take --binarize/],
    ['--binarize for the CNN', ['train', 'cnn', '--binarize', '--limit', '10'], /--binarize is for the VAE only/],
  ];
  for (const [what, args, message] of usageErrors) {
    it(`${what}: exit code 2, one line`, async () => {
      const result = await runCli([...args, '--models-dir', temp('usage')]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /^mnist-tui: [^\n]*\n$/);
    });
  }

  it('the help of eval and train lists the new flags with their ranges', async () => {
    const evalHelp = await runCli(['eval', '--help']);
    assert.match(evalHelp.stdout, /--iw K +also the VAE's importance-sampled bound .* 1–5000/);
    assert.match(evalHelp.stdout, /--seed N +seed of the importance samples/);
    const trainHelp = await runCli(['train', '--help']);
    assert.match(trainHelp.stdout, /--binarize +vae: train on dynamically binarised digits/);
  });

  describe('with a VAE trained on binarised digits', () => {
    let modelsDir: string;
    before(async () => {
      modelsDir = temp('models');
      const args = ['train', 'vae', '--binarize', '--epochs', '1', '--limit', '1000', '--models-dir', modelsDir];
      const result = await runCli(args);
      assert.equal(result.code, 0, result.stderr);
    });

    it('records binarized in the metadata and evaluates on the binarised test set', async () => {
      const metadata = JSON.parse(readFileSync(path.join(modelsDir, 'vae', 'metadata.json'), 'utf8'));
      assert.equal(metadata.binarized, true);
      const plain = await runCli(['eval', '--json', '--models-dir', modelsDir]);
      assert.equal(plain.code, 0, plain.stderr);
      const [result] = jsonLines(plain.stdout);
      const vae = result.vae as Record<string, unknown>;
      assert.equal(vae.binarized, true);
      // The same test images and noise as training's last evaluation.
      assert.equal(vae.testNegElbo, metadata.metrics.testNegElbo);
      assert.equal(vae.iwNegLogLikelihood, undefined, 'no bound unless asked');
    });

    it('eval --details splits the binarised −ELBO: reconstruction and KL add up to it', async () => {
      const result = await runCli(['eval', '--details', '--json', '--models-dir', modelsDir]);
      assert.equal(result.code, 0, result.stderr);
      const vae = jsonLines(result.stdout)[0].vae as Record<string, number>;
      assert.ok(Math.abs(vae.reconstructionNats + vae.klNats - vae.testNegElbo) < 1e-3, JSON.stringify(vae));
    });

    it('eval --iw K reports a bound below −ELBO that repeats under --seed', async () => {
      const args = ['eval', '--iw', '4', '--json', '--models-dir', modelsDir];
      const [first, again, other] = await Promise.all([runCli(args), runCli(args), runCli([...args, '--seed', '7'])]);
      const vae = (r: { stdout: string }) => jsonLines(r.stdout)[0].vae as Record<string, number>;
      assert.equal(first.code, 0, first.stderr);
      assert.equal(vae(first).iwSamples, 4);
      assert.equal(vae(first).iwSeed, 42);
      assert.ok(vae(first).iwNegLogLikelihood < vae(first).testNegElbo, JSON.stringify(vae(first)));
      assert.equal(vae(again).iwNegLogLikelihood, vae(first).iwNegLogLikelihood);
      assert.notEqual(vae(other).iwNegLogLikelihood, vae(first).iwNegLogLikelihood);
      assert.equal(first.stderr, '', 'no progress lines among JSON');
    });

    it('in text, says which figure is a bound, on which data, and shows progress on stderr', async () => {
      const result = await runCli(['eval', '--iw', '2', '--models-dir', modelsDir]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /VAE \(trained\) test -ELBO \(binarised test set\): \d+\.\d\d nats\/image/);
      assert.match(
        result.stdout,
        /VAE test -log p\(x\) <= \d+\.\d\d nats\/image \(importance-sampled bound, K = 2, seed 42/,
      );
      assert.match(result.stderr, /Importance sampling: \d+\/10000 test images/);
    });

    it('generate decodes with it as with any VAE', async () => {
      const out = path.join(modelsDir, 'g.png');
      const result = await runCli(['generate', '--z', '0.5,-1', '--out', out, '--models-dir', modelsDir]);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(existsSync(out));
    });
  });

  it('a grey-level VAE evaluates on grey levels and its metadata has no binarized field', async () => {
    const modelsDir = temp('grey');
    const trained = await runCli(['train', 'vae', '--epochs', '1', '--limit', '500', '--models-dir', modelsDir]);
    assert.equal(trained.code, 0, trained.stderr);
    const metadata = JSON.parse(readFileSync(path.join(modelsDir, 'vae', 'metadata.json'), 'utf8'));
    assert.equal(metadata.binarized, undefined);
    const result = await runCli(['eval', '--json', '--models-dir', modelsDir]);
    assert.equal((jsonLines(result.stdout)[0].vae as Record<string, unknown>).binarized, false);
  });
});
