import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { KEY_HELP } from '../src/ui/keymap/index.js';
import type { AppState } from '../src/ui/state/index.js';
import type { TrainEvent } from '../src/ml/events.js';
import { metadataFor, startApp, unmountAll, waitFor } from './helpers/tui-harness.js';

/** The start event a training session reports, on the fake backend with one worker. */
function startEvent(model: 'cnn' | 'vae', epochs: number, batchesPerEpoch: number, trainImages: number): TrainEvent {
  return { event: 'start', model, epochs, batchesPerEpoch, trainImages, backend: 'fake', workers: 1 };
}

const ESC = '\x1b';
const KEYS = {
  up: `${ESC}[A`,
  down: `${ESC}[B`,
  right: `${ESC}[C`,
  left: `${ESC}[D`,
  shiftUp: `${ESC}[1;2A`,
  shiftLeft: `${ESC}[1;2D`,
  backTab: `${ESC}[Z`,
  ctrlC: '\x03',
};
const TRAINED = { cnn: metadataFor('cnn'), vae: metadataFor('vae') };

afterEach(unmountAll);

function cursorOf(state: AppState): [number, number] {
  return [Number(state.explorer.cursor[0].toFixed(2)), Number(state.explorer.cursor[1].toFixed(2))];
}

describe('keys', () => {
  it('number keys, Tab and Shift-Tab switch views', async () => {
    const { stdin, store, screen } = await startApp();
    const views: string[] = [];
    for (const key of ['2', '3', '4', '5', '1', '\t', '\t', KEYS.backTab, KEYS.backTab, KEYS.backTab, KEYS.backTab]) {
      stdin.type(key);
      views.push(store.getState().view);
    }
    assert.deepEqual(views, [
      'train',
      'explore',
      'draw',
      'numbers',
      'models',
      'train',
      'explore',
      'train',
      'models',
      'numbers',
      'draw',
    ]);
    assert.match((await screen()).split('\n')[0]!, /\[4 Draw\]/);
  });

  it('? lists every key, and any key closes it', async () => {
    const { stdin, store, screen } = await startApp({ rows: 40 });
    stdin.type('?');
    const text = await screen();
    for (const { keys } of KEY_HELP)
      for (const [key, what] of keys) assert.ok(text.includes(key) && text.includes(what), key);
    stdin.type('x');
    assert.equal(store.getState().help, false);
    assert.equal(store.getState().view, 'models');
  });

  it('arrows, hjkl, Shift and capitals move the explorer cursor; 0 recentres; each move redraws the digit', async () => {
    const { stdin, store, screen } = await startApp({ saved: TRAINED });
    stdin.type('3');
    const seen: [number, number][] = [];
    const digits = new Set<Float32Array>();
    for (const key of [
      KEYS.right,
      'l',
      'L',
      KEYS.shiftUp,
      'k',
      'j',
      KEYS.down,
      'h',
      KEYS.left,
      'H',
      KEYS.shiftLeft,
      'K',
    ]) {
      stdin.type(key);
      seen.push(cursorOf(store.getState()));
      digits.add(store.getState().explorer.digit!);
    }
    assert.deepEqual(seen, [
      [0.1, 0],
      [0.2, 0],
      [0.7, 0],
      [0.7, 0.5],
      [0.7, 0.6],
      [0.7, 0.5],
      [0.7, 0.4],
      [0.6, 0.4],
      [0.5, 0.4],
      [0, 0.4],
      [-0.5, 0.4],
      [-0.5, 0.9],
    ]);
    assert.equal(digits.size, 12, 'a new digit for every move');
    assert.match(await screen(), /z = \(-0\.50, \+0\.90\)/);
    stdin.type('0');
    assert.deepEqual(cursorOf(store.getState()), [0, 0]);
    assert.match(await screen(), /z = \(\+0\.00, \+0\.00\)/);
  });

  it('the cursor stops at the edge of the map', async () => {
    const { stdin, store } = await startApp({ saved: TRAINED });
    stdin.type('3', ...Array<string>(12).fill('L'));
    assert.deepEqual(cursorOf(store.getState()), [4, 0]);
  });

  it('t trains the CNN: p pauses and resumes, c cancels keeping the last epoch', async () => {
    const { stdin, store, sessions, screen } = await startApp();
    stdin.type('t');
    await waitFor(() => sessions.length === 1, 'a session');
    assert.equal(store.getState().view, 'train');
    const session = sessions[0]!;
    assert.equal(session.options.model, 'cnn');
    session.emit(startEvent('cnn', 10, 469, 60000));
    session.emit({
      event: 'batch',
      model: 'cnn',
      epoch: 1,
      batch: 100,
      batchesPerEpoch: 469,
      loss: 0.5,
      imagesPerSecond: 2000,
      etaSeconds: 250,
    });
    assert.match(await screen(), /CNN · epoch 1\/10 · batch 100\/469/);
    assert.match(await screen(), /2,000 images\/s · ETA 04:10/);
    stdin.type('p');
    assert.match(await screen(), /paused/);
    stdin.type('p');
    stdin.type('c');
    assert.match(await screen(), /stopping after this batch/);
    session.finish();
    await waitFor(() => store.getState().training.active === undefined, 'the end of training');
    assert.deepEqual(session.calls, ['pause', 'resume', 'cancel']);
    assert.equal(store.getState().training.runs.cnn?.outcome, 'cancelled');
    assert.match(await screen(), /CNN cancelled; kept 0 epochs/);
  });

  it('a lone Escape cancels training once no more input follows', async () => {
    const { stdin, store, sessions } = await startApp();
    stdin.type('v');
    await waitFor(() => sessions.length === 1, 'a session');
    sessions[0]!.emit(startEvent('vae', 20, 469, 60000));
    stdin.type(ESC);
    assert.deepEqual(sessions[0]!.calls, [], 'Escape waits briefly: it may start a mouse report');
    await waitFor(() => sessions[0]!.calls.includes('cancel'), 'the cancel');
    sessions[0]!.finish();
    await waitFor(() => store.getState().training.active === undefined, 'the end of training');
  });

  it('a trains both in turn, and a finished epoch updates the model shown on the Models view', async () => {
    const { stdin, store, sessions, screen } = await startApp();
    stdin.type('a');
    await waitFor(() => sessions.length === 1, 'the CNN session');
    const cnn = sessions[0]!;
    cnn.emit(startEvent('cnn', 1, 5, 600));
    cnn.emit({
      event: 'epoch',
      model: 'cnn',
      epoch: 1,
      loss: 0.3,
      seconds: 1,
      imagesPerSecond: 600,
      testAccuracy: 0.95,
    });
    cnn.emit({ event: 'done', model: 'cnn', epochs: 1, seconds: 1, testAccuracy: 0.95 });
    cnn.finish({ testAccuracy: 0.95 });
    await waitFor(() => sessions.length === 2, 'the VAE session');
    assert.equal(sessions[1]!.options.model, 'vae');
    stdin.type('1');
    await waitFor(() => store.getState().models.cnn !== undefined, 'the saved CNN');
    assert.match(await screen(), /CNN +trained · test accuracy 98\.76% · 1\/10 epochs/);
    assert.match(await screen(), /VAE +(training|waiting)/);
  });

  it('q during training cancels it, waits for the save, then exits with 0', async () => {
    const { stdin, controller, sessions, screen } = await startApp();
    stdin.type('t');
    await waitFor(() => sessions.length === 1, 'a session');
    sessions[0]!.emit(startEvent('cnn', 10, 469, 60000));
    // Whether the app exited before or after training ended, recorded when it exits.
    let trainingEnded = false;
    const exit = controller.exited.then((code) => ({ code, trainingEnded }));
    stdin.type('q');
    assert.match(await screen(), /Stopping training; the last completed epoch is kept/);
    assert.deepEqual(sessions[0]!.calls, ['cancel']);
    trainingEnded = true;
    sessions[0]!.finish();
    assert.deepEqual(await exit, { code: 0, trainingEnded: true }, 'not before training has ended');
  });

  it('Ctrl-C quits with 130', async () => {
    const { stdin, controller } = await startApp();
    stdin.type(KEYS.ctrlC);
    assert.equal(await controller.exited, 130);
  });

  it('below 60×20 only q answers', async () => {
    const { stdin, store, controller, screen } = await startApp({ columns: 50, rows: 15 });
    assert.match(await screen(), /too small: 50×15/);
    stdin.type('2', '?', 't');
    assert.equal(store.getState().view, 'models');
    assert.equal(store.getState().help, false);
    stdin.type('q');
    assert.equal(await controller.exited, 0);
  });

  it('a resize redraws at the new size', async () => {
    const { store, screen } = await startApp({ saved: TRAINED });
    store.dispatch({ type: 'view', view: 'explore' });
    const wide = await screen();
    store.dispatch({ type: 'resize', size: { columns: 50, rows: 15 } });
    assert.match(await screen(), /too small/);
    store.dispatch({ type: 'resize', size: { columns: 80, rows: 24 } });
    assert.equal(await screen(), wide);
  });
});
