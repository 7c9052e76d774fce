import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { jsonLines, runCli } from './helpers/cli.js';
import { runCliOnPipe } from './helpers/cli-pipe.js';

const empty = () => mkdtempSync(path.join(tmpdir(), 'mnist-tui-backends-'));

/** Whether a TensorFlow binding is installed here, which changes what `tensorflow` and `auto` do. */
function tensorflowInstalled(): boolean {
  const require = createRequire(import.meta.url);
  return ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((name) => {
    try {
      require.resolve(name);
      return true;
    } catch {
      return false;
    }
  });
}

/** The CLI's stderr as lines, asserting there is exactly one. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  return lines[0];
}

describe('GPU backends from the command line', () => {
  it('--backend webgpu says in one line why it cannot run, or names a software adapter once', async () => {
    // The shipped models are off: evaluating them on a software adapter would only take time.
    const result = await runCliOnPipe(['eval', '--backend', 'webgpu', '--models-dir', empty()], {
      MNIST_TUI_NO_PRETRAINED: '1',
    });
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split('\n');
    // On lavapipe eval starts on webgpu after one note; on a GPU host it starts silently; either
    // way it then finds no model to evaluate. Dawn's own warnings never show.
    if (/^mnist-tui: webgpu runs on a software adapter, /.test(lines[0])) lines.shift();
    assert.match(
      oneLine(lines.join('\n')),
      /^mnist-tui: (backend webgpu is unavailable: no WebGPU adapter|no trained CNN in )/,
    );
  });

  it('--backend tensorflow without tfjs-node says what to install in one line and exits 1', async (t) => {
    if (tensorflowInstalled()) return t.skip('a TensorFlow binding is installed here');
    const result = await runCli(['eval', '--backend', 'tensorflow', '--models-dir', empty()]);
    assert.equal(result.code, 1);
    assert.match(
      oneLine(result.stderr),
      /^mnist-tui: backend tensorflow is unavailable: .*tfjs-node.* is not installed \(npm install @tensorflow\/tfjs-node/,
    );
  });

  it('auto passes over a missing tfjs-node silently and trains on wasm', async (t) => {
    if (tensorflowInstalled()) return t.skip('a TensorFlow binding is installed here');
    const args = ['train', 'cnn', '--epochs', '1', '--limit', '200', '--json', '--workers', '1'];
    // A cache of its own, so the probe of WebGPU runs here rather than answering from the user's.
    const result = await runCli([...args, '--models-dir', empty()], { XDG_CACHE_HOME: empty() });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'nothing is said about the backends that were passed over');
    const start = jsonLines(result.stdout)[0];
    assert.equal(start.event, 'start');
    assert.equal(start.backend, 'wasm');
  });

  it('the help lists the new backends', async () => {
    const result = await runCli(['--help']);
    assert.match(result.stdout, /--backend B\s+auto \| tensorflow \| webgpu \| wasm \| cpu/);
  });
});
