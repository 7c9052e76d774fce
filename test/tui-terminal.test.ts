/**
 * The app in a real terminal: tmux runs it in a pseudo-terminal, keys are
 * sent with send-keys and the screen is read back with capture-pane. Needs
 * tmux (apt-get install -y tmux); skipped where it is missing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI } from './helpers/cli.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `mnist-tui-test-${process.pid}`;
const POLL_MS = 50;

function tmux(...args: string[]): string {
  const run = spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', '-u', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/**
 * Starts the app in a new tmux session, from a shell that then prints its
 * exit code and stays, so the terminal's state afterwards can be read (tmux
 * would hide the cursor of a dead pane itself).
 */
function startSession(name: string, modelsDir: string, term: string): void {
  // Ink draws nothing live under CI variables, and tmux passes the test runner's environment on.
  const app = [
    'env',
    '-u',
    'CI',
    '-u',
    'CONTINUOUS_INTEGRATION',
    `TERM=${term}`,
    process.execPath,
    CLI,
    '--models-dir',
    modelsDir,
  ];
  const script = `${app.map((a) => `'${a}'`).join(' ')}; echo "exited $?"; exec sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', 'sh', '-c', script);
}

const screen = (name: string, escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name);

/** The exit code, and whether the alternate screen, mouse reporting (any motion, SGR) and the cursor are on. */
async function afterExit(name: string): Promise<string> {
  const code = /exited (\d+)/.exec(await waitForScreen(name, /exited \d+/))![1];
  const flags = tmux(
    'display-message',
    '-p',
    '-t',
    name,
    '#{alternate_on} #{mouse_any_flag} #{mouse_sgr_flag} #{cursor_flag}',
  );
  return `${code} ${flags.trim()}`;
}

/** Exit code 0, main screen, no mouse reporting, cursor visible. */
const RESTORED = '0 0 0 0 1';

async function waitForScreen(name: string, pattern: RegExp, timeoutMs = 15_000, escapes = false): Promise<string> {
  const started = Date.now();
  for (;;) {
    const text = screen(name, escapes);
    if (pattern.test(text)) return text;
    if (Date.now() - started > timeoutMs) assert.fail(`screen never matched ${pattern}:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The explorer's panel: the decoded digit (rows 1-14, from column 40) and the two lines under it. */
function panelOf(text: string): { digit: string; z: string } {
  const lines = text.split('\n');
  return {
    digit: lines
      .slice(1, 15)
      .map((line) => line.slice(0, 400))
      .join('\n'),
    z: /z = \([^)]*\)/.exec(text)?.[0] ?? '',
  };
}

describe('in a real terminal (tmux)', { skip: HAS_TMUX ? false : 'tmux is not installed' }, () => {
  let modelsDir = '';

  before(() => {
    modelsDir = mkdtempSync(path.join(tmpdir(), 'mnist-tui-tmux-'));
    const train = spawnSync(
      process.execPath,
      [CLI, 'train', 'vae', '--epochs', '1', '--limit', '500', '--models-dir', modelsDir],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(train.status, 0, train.stderr);
  });

  after(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('walking the latent plane with keys and the mouse redraws the digit and its coordinates', async () => {
    startSession('walk', modelsDir, 'xterm-256color');
    await waitForScreen('walk', /VAE +trained/);
    tmux('send-keys', '-t', 'walk', '3');
    await waitForScreen('walk', /10,000 test images by digit/);
    const first = panelOf(await waitForScreen('walk', /z = \(\+0\.00, \+0\.00\)/, 5000, true));
    tmux('send-keys', '-t', 'walk', 'L', 'L', 'Up');
    const moved = panelOf(await waitForScreen('walk', /z = \(\+1\.00, \+0\.10\)/, 5000, true));
    assert.notEqual(moved.digit, first.digit, 'the digit changed');
    // A mouse report as the terminal would send it: hover over the map's top-left cell.
    tmux('send-keys', '-t', 'walk', '-l', '\x1b[<35;1;3M');
    const hovered = panelOf(await waitForScreen('walk', /z = \(-3\.\d\d, \+3\.\d\d\)/, 5000, true));
    assert.notEqual(hovered.digit, moved.digit);
    tmux('send-keys', '-t', 'walk', 'q');
    assert.equal(await afterExit('walk'), RESTORED);
  });

  it('SIGTERM ends it with 143 and the terminal restored', async () => {
    startSession('term', modelsDir, 'tmux-256color');
    await waitForScreen('term', /VAE +trained/);
    const shell = tmux('display-message', '-p', '-t', 'term', '#{pane_pid}').trim();
    const app = spawnSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).stdout.trim();
    process.kill(Number(app), 'SIGTERM');
    assert.equal(await afterExit('term'), RESTORED.replace(/^0/, '143'));
  });

  for (const term of ['screen-256color', 'xterm', 'dumb']) {
    it(`works with TERM=${term}`, async () => {
      const name = `term-${term}`;
      startSession(name, modelsDir, term);
      await waitForScreen(name, /VAE +trained/);
      tmux('send-keys', '-t', name, '3', 'l');
      const text = await waitForScreen(name, /z = \(\+0\.10, \+0\.00\)/);
      if (term === 'dumb') assert.match(text, /most common digit; \+ cursor/);
      tmux('send-keys', '-t', name, 'q');
      assert.equal(await afterExit(name), RESTORED);
    });
  }
});
