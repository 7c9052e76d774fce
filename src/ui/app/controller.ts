/**
 * The app's side effects: starting up, loading and swapping models,
 * encoding the test set for the latent map, decoding at the cursor,
 * classifying drawings, training, finding and naming new numbers, the
 * Models view's insight, and quitting cleanly. Views never see any of it; they see the state it
 * dispatches.
 */
import type { Config, ModelName } from '../../config.js';
import { firstLine } from '../../errors.js';
import { IMAGE_SIDE, type Mnist } from '../../data/index.js';
import {
  createInsightRunner,
  createCertaintyRunner,
  createNewNumbersRunner,
  createTrainingRunner,
  createWalkRecorder,
  encodeTestSet,
  type AppServices,
  type ClassifierHandle,
  type VaeHandle,
} from '../background/index.js';
import type { Command } from '../keymap/index.js';
import { clampPoint } from '../layout/index.js';
import {
  hasInk,
  insightShown,
  stroke,
  type DrawState,
  type Guess,
  type LatentPoint,
  type Store,
} from '../state/index.js';

export interface Controller {
  /** Picks the backend, loads the data and any saved models. */
  boot(): Promise<void>;
  run(command: Command): void;
  /** Stops training (keeping the last epoch), then settles `exited` with `code`; asked twice, it stops waiting. */
  quit(code: number): Promise<void>;
  /** Settles with the exit code once the app may close. */
  readonly exited: Promise<number>;
}

export interface ControllerOptions {
  store: Store;
  services: AppServices;
  config: Pick<Config, 'epochs' | 'batchSize' | 'seed' | 'modelsDir' | 'workers' | 'backend'>;
  /** Where recorded walks are saved: the folder the app was started from unless told otherwise. */
  walkDir?: string;
}

function guessOf(probabilities: Float32Array): Guess {
  let digit = 0;
  for (let d = 1; d < probabilities.length; d++) if (probabilities[d]! > probabilities[digit]!) digit = d;
  return { digit, confidence: probabilities[digit]! };
}

/** A controller acting on `store` through `services`; call `boot` once the screen is up. */
export function createController({ store, services, config, walkDir = '.' }: ControllerOptions): Controller {
  const { dispatch } = store;
  let classifier: ClassifierHandle | undefined;
  let vae: VaeHandle | undefined;
  let data: Promise<Mnist> | undefined;
  /** Bumped by each load of a model, so a slow load never replaces a newer one. */
  const loads: Record<ModelName, number> = { cnn: 0, vae: 0 };
  let quitting = false;
  let exit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const say = (text: string) => dispatch({ type: 'message', text });
  const training = createTrainingRunner({
    trainer: services.trainer,
    config,
    store,
    onSaved: (model) => void loadModel(model),
  });
  const numbers = createNewNumbersRunner({
    store,
    services,
    config,
    models: () => ({ vae, classifier }),
    data: () => data,
  });
  const walks = createWalkRecorder({ services, models: () => ({ vae, classifier }), say, dir: walkDir });
  const insight = createInsightRunner({ store, services, models: () => ({ cnn: classifier, vae }), data: () => data });
  const certainty = createCertaintyRunner({ store, models: () => ({ vae, classifier }) });

  function setCursor(z: LatentPoint): void {
    const cursor = clampPoint(z);
    const digit = vae?.decode(Float32Array.from(cursor));
    const probabilities = digit && classifier?.classify(digit);
    const guess = probabilities && guessOf(probabilities);
    dispatch({ type: 'cursor', cursor, digit, guess, probabilities });
    walks.moved(cursor);
  }

  function setDrawing(change: Partial<DrawState>): void {
    const next = { ...store.getState().draw, ...change };
    const inked = hasInk(next.pixels);
    const guess = inked && classifier ? guessOf(classifier.classify(next.pixels)) : undefined;
    const mu = inked && vae ? vae.encode(next.pixels) : undefined;
    dispatch({ type: 'draw', draw: { ...next, guess, encoding: mu && [mu[0]!, mu[1]!] } });
  }

  async function loadModel(model: ModelName): Promise<void> {
    const load = ++loads[model];
    try {
      const handle = model === 'cnn' ? await services.loadClassifier() : await services.loadVae();
      if (load !== loads[model] || quitting) {
        handle?.dispose();
        return;
      }
      if (model === 'cnn') {
        classifier?.dispose();
        classifier = handle as ClassifierHandle | undefined;
      } else {
        vae?.dispose();
        vae = handle as VaeHandle | undefined;
      }
      dispatch({ type: 'model', model, metadata: handle?.metadata });
      setCursor(store.getState().explorer.cursor);
      setDrawing({});
      numbers.modelsChanged();
      insight.refresh();
      certainty.modelsChanged();
      if (model === 'vae' && vae !== undefined && data !== undefined) {
        const current = vae;
        void encodeTestSet({ data, model: current, isCurrent: () => vae === current, store });
      }
    } catch (error) {
      if (load !== loads[model] || quitting) return;
      // What is on disk is refused, so a copy loaded before from it is dropped as well.
      if (model === 'cnn') {
        classifier?.dispose();
        classifier = undefined;
      } else {
        vae?.dispose();
        vae = undefined;
      }
      // The file names inside the models folder are short enough for the Models view.
      const prefix = config.modelsDir.endsWith('/') ? config.modelsDir : `${config.modelsDir}/`;
      const reason = firstLine(error);
      const unusable = reason.startsWith(prefix) ? reason.slice(prefix.length) : reason;
      dispatch({ type: 'model', model, metadata: undefined, unusable });
      say(`cannot load the ${model.toUpperCase()}: ${firstLine(error)}`);
      setCursor(store.getState().explorer.cursor);
      setDrawing({});
      numbers.modelsChanged();
      insight.refresh();
      certainty.modelsChanged();
    }
  }

  async function train(models: ModelName[]): Promise<void> {
    if (training.busy) {
      say('Training is under way; c cancels it first.');
      return;
    }
    if (data === undefined) {
      say('Cannot train: the TensorFlow.js backend did not start.');
      return;
    }
    dispatch({ type: 'view', view: 'train' });
    try {
      await training.start(await data, models);
    } catch (error) {
      say(`cannot train without data: ${firstLine(error)}`);
    }
  }

  function moveDrawPen(dx: number, dy: number): void {
    const { pen, penDown, pixels } = store.getState().draw;
    const clamp = (v: number) => Math.min(IMAGE_SIDE - 0.5, Math.max(0.5, v));
    const next = { x: clamp(pen.x + dx), y: clamp(pen.y + dy) };
    setDrawing({ pen: next, pixels: penDown ? stroke(pixels, pen, next, true) : pixels });
  }

  function run(command: Command): void {
    if (quitting && command.type !== 'quit') return;
    const state = store.getState();
    switch (command.type) {
      case 'view':
      case 'cycle-view':
        dispatch(command);
        if (store.getState().view === 'numbers') numbers.opened();
        insight.refresh();
        return;
      case 'insight-switch':
        dispatch({ type: 'insight-shown', model: insightShown(state) === 'cnn' ? 'vae' : 'cnn' });
        insight.refresh();
        return;
      case 'help':
        dispatch(command);
        return;
      case 'quit':
        void quit(command.code);
        return;
      case 'train':
        void train(command.models);
        return;
      case 'pause':
        training.togglePause();
        return;
      case 'cancel':
        training.cancel();
        return;
      case 'move':
        setCursor([state.explorer.cursor[0] + command.dx, state.explorer.cursor[1] + command.dy]);
        return;
      case 'point':
        setCursor(command.z);
        return;
      case 'map-layer':
        dispatch({ type: 'map-layer', layer: state.explorer.layer === 'digits' ? 'certainty' : 'digits' });
        return;
      case 'pen-move':
        moveDrawPen(command.dx, command.dy);
        return;
      case 'pen-toggle': {
        const { pen, pixels, penDown } = state.draw;
        setDrawing({ penDown: !penDown, pixels: penDown ? pixels : stroke(pixels, pen, pen, true) });
        return;
      }
      case 'paint': {
        const at = { x: command.x, y: command.y };
        setDrawing({ pen: at, pixels: stroke(state.draw.pixels, at, at, command.ink) });
        return;
      }
      case 'clear-canvas':
        setDrawing({ pixels: new Float32Array(IMAGE_SIDE * IMAGE_SIDE), penDown: false });
        return;
      case 'glyph-select':
        dispatch({ type: 'numbers-select', index: command.index });
        return;
      case 'glyph-explore': {
        const item = state.numbers.items[state.numbers.selected];
        if (item === undefined) return;
        setCursor(item.z);
        dispatch({ type: 'view', view: 'explore' });
        return;
      }
      case 'rescan':
        numbers.rescan();
        return;
      case 'record':
        walks.toggle(state.explorer.cursor);
        return;
      case 'name-start':
        numbers.startNaming();
        return;
      case 'name-edit':
        dispatch({ type: 'numbers-naming', text: command.text });
        return;
      case 'name-save':
        void numbers.saveName();
        return;
      case 'name-cancel':
        dispatch({ type: 'numbers-naming', text: undefined });
        return;
    }
  }

  async function quit(code: number): Promise<void> {
    if (quitting) {
      exit(code);
      return;
    }
    quitting = true;
    dispatch({ type: 'quitting' });
    numbers.stop();
    insight.stop();
    certainty.stop();
    await training.stop();
    classifier?.dispose();
    vae?.dispose();
    classifier = vae = undefined;
    exit(code);
  }

  async function boot(): Promise<void> {
    try {
      dispatch({ type: 'backend', name: await services.initBackend() });
      data = services.loadData();
      const { source, train, test } = await data;
      dispatch({ type: 'dataset', source, train: train.count, test: test.count });
      await Promise.all([loadModel('cnn'), loadModel('vae')]);
      await numbers.loadNames();
    } catch (error) {
      say(firstLine(error));
    } finally {
      dispatch({ type: 'loaded' });
    }
  }

  return { boot, run, quit, exited };
}
