/**
 * The terminal app, `mnist-tui` with no command. In order: make sure there
 * is a terminal, take it over, find out how it draws, start the app with
 * its services, then wait for a quit, a signal or a crash, stop training
 * cleanly, and give the terminal back as it was.
 */
import { render } from 'ink';
import { createElement } from 'react';
import type { Config } from '../../config.js';
import { pretrainedUse } from '../../ml/pretrained.js';
import { createMlServices, type AppServices } from '../background/index.js';
import type { GraphicsRequest } from '../../render/index.js';
import { createStore, initialState } from '../state/index.js';
import {
  createGraphicsOverlay,
  EXIT_SIGNALS,
  isTerminal,
  NOT_A_TERMINAL,
  onExitRequests,
  openTerminal,
} from '../terminal/index.js';
import type { AppIo } from './app-io.js';
import { App } from './App.js';
import { createController } from './controller.js';
import { detectDisplay } from './detect-display.js';

export interface RunAppOptions {
  /** `--graphics`; when absent, `MNIST_TUI_GRAPHICS` and then detection decide. */
  graphics?: GraphicsRequest;
  /** Replaces some of the TensorFlow.js-backed services (tests inject a trainer and loaders). */
  services?: Partial<AppServices>;
  io?: Partial<AppIo>;
}

/**
 * Ink holds back a frame that would come sooner than 1000 / MAX_FPS ms after
 * the one before. Background progress draws frames (at most every
 * BACKGROUND_FRAME_MS, see `store.post`), and a key that lands just after one
 * must not wait a whole 16 ms frame behind it: so the hold is 4 ms. Input
 * itself draws one frame per read, however many keys or mouse reports it holds.
 */
const MAX_FPS = 250;

function sizeOf(stdout: NodeJS.WriteStream) {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Runs the app until it is quit and returns the exit code: 0 after `q`,
 * 128 + the signal's number after Ctrl-C, SIGTERM or SIGHUP, 1 after a crash,
 * 2 when there is no terminal.
 */
export async function runApp(config: Config, options: RunAppOptions = {}): Promise<number> {
  const io: AppIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    process,
    ...options.io,
  };
  if (!isTerminal(io.stdin, io.stdout)) {
    io.stderr.write(NOT_A_TERMINAL + '\n');
    return 2;
  }
  const terminal = openTerminal(io);
  // The last resort, for a process.exit from anywhere; restore() runs only once.
  io.process.on('exit', terminal.restore);
  // When the terminal goes away (a hang-up), every write fails with EIO. Nothing can be
  // shown any more, so the app stops, cleanly: what matters then is saving the training.
  let quit: (code: number) => void = () => {};
  let outputError: Error | undefined;
  const onOutputError = (error: Error) => {
    if (outputError !== undefined) return;
    outputError = error;
    io.stderr.write(`mnist-tui: the terminal went away (${error.message}); stopping…\n`);
    // A hang-up signal usually came first and is already stopping the app; asking again would cut that short.
    if (!quitting()) quit(1);
  };
  let quitting = () => false;
  io.stdout.on('error', onOutputError);
  let stopListening = () => {};
  try {
    const display = await detectDisplay(io, options.graphics);
    terminal.enableMouse();
    const store = createStore(initialState(sizeOf(io.stdout), display, config.modelsDir));
    const services: AppServices = { ...createMlServices(config, pretrainedUse(io.env)), ...options.services };
    const controller = createController({ store, services, config });
    quit = (code) => void controller.quit(code);
    quitting = () => store.getState().quitting;
    const overlay = createGraphicsOverlay(io.stdout);
    const ink = render(createElement(App, { store, controller, overlay }), {
      stdout: overlay.stdout,
      stdin: io.stdin,
      stderr: io.stderr,
      exitOnCtrlC: false,
      maxFps: MAX_FPS,
    });
    const onResize = () => {
      // Ink erases its last frame by counting lines up from the cursor, which a resize may have moved.
      ink.clear();
      terminal.clear();
      store.dispatch({ type: 'resize', size: sizeOf(io.stdout) });
    };
    io.stdout.on('resize', onResize);
    const crash = (error: unknown) => {
      ink.unmount();
      terminal.restore();
      io.stderr.write(`mnist-tui: crashed: ${errorText(error)}\nStopping training…\n`);
      quit(1);
    };
    stopListening = onExitRequests(io.process, {
      signal: (name) => quit(EXIT_SIGNALS[name]),
      crash,
    });
    // Ink ends by itself only when rendering threw.
    ink.waitUntilExit().catch(crash);
    void controller.boot();
    const code = await controller.exited;
    io.stdout.off('resize', onResize);
    ink.unmount();
    return code;
  } finally {
    stopListening();
    terminal.restore();
    io.process.off('exit', terminal.restore);
    io.stdout.off('error', onOutputError);
  }
}
