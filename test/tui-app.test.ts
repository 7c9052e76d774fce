import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Config } from '../src/config.js';

// Ink draws nothing live when it believes it runs in CI; these tests play a real terminal.
// It reads the variables when first imported, so everything that imports Ink is imported below.
process.env.CI = '0';
process.env.CONTINUOUS_INTEGRATION = '0';
const { runApp, NOT_A_TERMINAL } = await import('../src/ui/index.js');
const { MOUSE_OFF, MOUSE_ON } = await import('../src/ui/input/index.js');
const { FakeStdin, FakeStdout, fakeServices, metadataFor, stripAnsi, waitFor } =
  await import('./helpers/tui-harness.js');
const { runCli } = await import('./helpers/cli.js');

const CONFIG: Config = {
  dataDir: undefined,
  modelsDir: 'models',
  limit: undefined,
  validation: undefined,
  seed: 42,
  backend: 'auto',
  epochs: undefined,
  batchSize: 128,
  workers: 1,
};
const TRAINED = { cnn: metadataFor('cnn'), vae: metadataFor('vae') };
const DA1_QUERY = '\x1b[c';
const CELL_SIZE_QUERY = '\x1b[16t';
const ALT_SCREEN_ON = '\x1b[?1049h';
const RESTORED = `${MOUSE_OFF}\x1b[0m\x1b[?25h\x1b[?1049l`;

interface LaunchOptions {
  env?: Record<string, string>;
  graphics?: 'auto' | 'sixel' | 'blocks' | 'ascii';
  /** What the terminal answers to the sixel query; silent when absent. */
  deviceAttributes?: string;
  cellSize?: string;
}

/** Runs the app in a fake terminal over fake services. */
function launch(options: LaunchOptions = {}) {
  const stdout = new FakeStdout(80, 24);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(80, 24);
  const signals = new EventEmitter();
  const fakes = fakeServices({ ...TRAINED });
  const write = stdout.write;
  stdout.write = (data) => {
    const text = String(data);
    if (text.includes(DA1_QUERY) && options.deviceAttributes) setImmediate(() => stdin.type(options.deviceAttributes!));
    if (text.includes(CELL_SIZE_QUERY) && options.cellSize) setImmediate(() => stdin.type(options.cellSize!));
    return write(data);
  };
  const exited = runApp(CONFIG, {
    graphics: options.graphics,
    services: fakes.services,
    io: {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      env: { TERM: 'xterm-256color', ...options.env },
      process: signals as NodeJS.Process,
    },
  });
  /** Waits until output written from `from` on matches `pattern`; returns where that output ends. */
  const waitForOutput = async (pattern: RegExp, from = 0) => {
    await waitFor(() => pattern.test(stdout.text.slice(from)), `output matching ${pattern}`);
    return stdout.text.length;
  };
  return { stdout, stdin, stderr, signals, fakes, exited, waitForOutput };
}

/** Starts the app and opens the explorer, once its map is complete. */
async function explore(options: LaunchOptions = {}) {
  const app = launch(options);
  await app.waitForOutput(/Ready\./);
  app.stdin.type('3');
  await app.waitForOutput(/300 test images by digit/);
  await app.waitForOutput(/z = /);
  return app;
}

describe('mnist-tui with no command', () => {
  it('piped, it says it needs a terminal, names the headless commands and exits with 2, at once', async () => {
    const started = Date.now();
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, NOT_A_TERMINAL + '\n');
    assert.equal(result.stdout, '');
    assert.ok(Date.now() - started < 5000);
  });

  it('an unknown --graphics mode is a usage error', async () => {
    const result = await runCli(['--graphics', 'kitty']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--graphics: unknown graphics mode "kitty"/);
  });
});

describe('the app in a terminal', () => {
  it('without a terminal it says so, points to the headless commands and exits with 2', async () => {
    const stdin = new FakeStdin();
    stdin.isTTY = false;
    const stdout = new FakeStdout(80, 24);
    const stderr = new FakeStdout(80, 24);
    const code = await runApp(CONFIG, {
      io: {
        stdin: stdin as never,
        stdout: stdout as never,
        stderr: stderr as never,
        env: {},
        process: new EventEmitter() as never,
      },
    });
    assert.equal(code, 2);
    assert.equal(stderr.text, NOT_A_TERMINAL + '\n');
    assert.match(NOT_A_TERMINAL, /train\|eval\|generate\|classify/);
    assert.equal(stdout.text, '');
  });

  it('takes the terminal over and gives it back on q: mouse off, cursor shown, main screen, raw mode off', async () => {
    const { stdout, stdin, exited, waitForOutput } = launch();
    await waitForOutput(/Ready\./);
    assert.ok(stdout.text.startsWith(ALT_SCREEN_ON));
    assert.ok(stdout.text.includes(MOUSE_ON));
    assert.equal(stdin.rawMode, true);
    stdin.type('q');
    assert.equal(await exited, 0);
    assert.ok(stdout.text.includes(RESTORED), 'restored');
    assert.equal(stdin.rawMode, false);
  });

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} stops training cleanly (cancel, then wait for it) and restores the terminal`, async () => {
      const { stdout, stdin, signals, fakes, exited, waitForOutput } = launch();
      await waitForOutput(/Ready\./);
      stdin.type('v');
      await waitFor(() => fakes.sessions.length === 1, 'a session');
      signals.emit(signal, signal);
      await waitFor(() => fakes.sessions[0]!.calls.includes('cancel'), 'the cancel');
      assert.ok(!stdout.text.includes(RESTORED), 'still waiting for training');
      fakes.sessions[0]!.finish();
      assert.equal(await exited, code);
      assert.ok(stdout.text.includes(RESTORED));
      assert.equal(stdin.rawMode, false);
    });
  }

  it('after a hang-up, failing writes (EIO) do not cut the clean stop of training short', async () => {
    const { stdout, stdin, stderr, signals, fakes, exited, waitForOutput } = launch();
    await waitForOutput(/Ready\./);
    stdin.type('v');
    await waitFor(() => fakes.sessions.length === 1, 'a session');
    // Whether the app exited before or after training ended, recorded when it exits.
    let trainingEnded = false;
    const exit = exited.then((code) => ({ code, trainingEnded }));
    signals.emit('SIGHUP', 'SIGHUP');
    stdout.emit('error', new Error('write EIO'));
    await waitFor(
      () => fakes.sessions[0]!.calls.includes('cancel') && /the terminal went away \(write EIO\)/.test(stderr.text),
      'the cancel and the one line about the terminal',
    );
    trainingEnded = true;
    fakes.sessions[0]!.finish();
    assert.deepEqual(await exit, { code: 129, trainingEnded: true }, 'the exit waited for training to end');
  });

  it('a crash restores the terminal first, says what happened, stops training and exits with 1', async () => {
    const { stdout, stderr, stdin, signals, fakes, exited, waitForOutput } = launch();
    await waitForOutput(/Ready\./);
    stdin.type('t');
    await waitFor(() => fakes.sessions.length === 1, 'a session');
    signals.emit('uncaughtException', new Error('something broke'));
    assert.ok(stdout.text.includes(RESTORED));
    assert.match(stderr.text, /mnist-tui: crashed: Error: something broke/);
    fakes.sessions[0]!.finish();
    assert.equal(await exited, 1);
    assert.deepEqual(fakes.sessions[0]!.calls, ['cancel']);
  });

  it('a resize clears the screen and redraws at the new size', async () => {
    const { stdout, stdin, exited, waitForOutput } = launch();
    await waitForOutput(/Ready\./);
    const mark = stdout.text.length;
    stdout.resize(50, 15);
    await waitForOutput(/\x1b\[2J[\s\S]*too small: 50×15/, mark);
    stdout.resize(100, 30);
    await waitForOutput(/Ready\. {80}\? help {2}q quit/, mark);
    stdin.type('q');
    await exited;
  });
});

describe('graphics fallbacks', () => {
  it('half blocks in 256 colours where the terminal does not answer the sixel query', async () => {
    const { stdout, stdin, exited } = await explore();
    assert.ok(stdout.text.includes(DA1_QUERY));
    assert.match(stdout.text, /\x1b\[38;5;\d+;48;5;\d+m▀/);
    assert.ok(!stdout.text.includes('\x1bP'), 'no sixel');
    stdin.type('q');
    await exited;
  });

  it('24-bit colour where COLORTERM says so', async () => {
    const { stdout, stdin, exited } = await explore({ env: { COLORTERM: 'truecolor' } });
    assert.match(stdout.text, /\x1b\[38;2;\d+;\d+;\d+;48;2;\d+;\d+;\d+m▀/);
    stdin.type('q');
    await exited;
  });

  for (const env of [{ TERM: 'dumb' }, { NO_COLOR: '1' }] as Record<string, string>[]) {
    it(`plain characters without colour for ${JSON.stringify(env)}, with no query`, async () => {
      const { stdout, stdin, exited } = await explore({ env });
      assert.ok(!stdout.text.includes(DA1_QUERY));
      assert.ok(!/\x1b\[[0-9;]*3[0-9;]*8;[25];/.test(stdout.text), 'no colour codes');
      assert.ok(!stdout.text.includes('▀'));
      assert.match(stripAnsi(stdout.text), /most common digit; \+ cursor/);
      stdin.type('q');
      await exited;
    });
  }

  it('--graphics and MNIST_TUI_GRAPHICS force a mode, the flag first', async () => {
    const forced = await explore({ env: { TERM: 'dumb', MNIST_TUI_GRAPHICS: 'blocks' } });
    assert.ok(forced.stdout.text.includes('▀'));
    forced.stdin.type('q');
    await forced.exited;
    const flagged = await explore({ env: { MNIST_TUI_GRAPHICS: 'blocks' }, graphics: 'ascii' });
    assert.ok(!flagged.stdout.text.includes('▀'));
    flagged.stdin.type('q');
    await flagged.exited;
  });

  it('sixel where the terminal offers it: drawn at the digit cells between cursor save and restore, cleared on leaving', async () => {
    const { stdout, stdin, exited, waitForOutput } = await explore({
      deviceAttributes: '\x1b[?62;4;22c',
      cellSize: '\x1b[6;20;10t',
    });
    // The digit's box starts at row 1, column 40 (0-based): CUP 2;41. 28×14 cells of 10×20 px hold 280×280 px.
    const frame = [...stdout.writes].reverse().find((write) => write.includes('\x1bP'))!;
    assert.match(frame, /\x1b\[2;41H\x1bP[0-9;]*q"1;1;280;280/);
    assert.ok(frame.indexOf('\x1b7') < frame.indexOf('\x1bP'), 'the cursor is saved before the image');
    assert.ok(frame.endsWith('\x1b\\\x1b8'), 'and restored after it');
    assert.ok(frame.indexOf('z = ') < frame.indexOf('\x1bP'), 'the image comes with the frame, after its text');
    const mark = stdout.text.length;
    stdin.type('1');
    await waitForOutput(/\x1b\[2;41H\x1b\[28X/, mark);
    // The Models view draws its own digits (the CNN's mistakes), but none where the explorer's was.
    assert.ok(!stdout.text.slice(mark).includes('\x1b[2;41H\x1bP'), "no explorer's digit on the Models view");
    stdin.type('q');
    await exited;
  });

  it('inside tmux the sixel goes through its passthrough', async () => {
    const { stdout, stdin, exited } = await explore({
      env: { TMUX: '/tmp/tmux-0/default,1,0', TERM: 'tmux-256color' },
      graphics: 'sixel',
    });
    assert.match(stdout.text, /\x1bPtmux;\x1b\x1bP[0-9;]*q/);
    stdin.type('q');
    await exited;
  });
});
