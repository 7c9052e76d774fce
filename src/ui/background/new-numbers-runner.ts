/**
 * The New numbers view's side effects: scanning the latent plane when the
 * view opens (again after the models change), drawing the gallery with the
 * loaded VAE, and saving the names people give. The scan runs on the UI
 * thread between input, a batch at a time.
 */
import path from 'node:path';
import type { Config } from '../../config.js';
import { IMAGE_PIXELS, type Mnist } from '../../data/index.js';
import type { NamedNumber, NewNumberCandidate } from '../../ml/new-numbers/index.js';
// The module itself, not the folder's index, which loads TensorFlow.js (its glyph measures) before the first frame.
import { NAMED_NUMBERS_FILE } from '../../ml/new-numbers/named-numbers.js';
import { firstLine } from '../../errors.js';
import type { AppServices, ClassifierHandle, VaeHandle } from './services.js';
import { galleryItems, type Store } from '../state/index.js';

/** Points per side of the app's scan: 16,384 glyphs take seconds, a quarter of the CLI's default. */
export const TUI_GRID_SIDE = 128;

export interface NewNumbersRunner {
  /** The view was opened: scans unless the current models have been scanned already. */
  opened(): void;
  /** Scans again, with the grid placed between the last scan's points. */
  rescan(): void;
  /** A model was loaded or replaced: the candidates it judged are dropped and the gallery redrawn. */
  modelsChanged(): void;
  /** Reads the names saved before; a damaged file becomes a status message. */
  loadNames(): Promise<void>;
  /** Opens the name input for the selected glyph, unless it has a name already. */
  startNaming(): void;
  /** Saves the typed name; on a refusal the input stays open with the reason in the status bar. */
  saveName(): Promise<void>;
  /** Stops a scan under way, for quitting. */
  stop(): void;
}

export interface NewNumbersOptions {
  store: Store;
  services: Pick<AppServices, 'discoverNewNumbers' | 'loadNamedNumbers' | 'saveNamedNumber'>;
  config: Pick<Config, 'seed'>;
  /** The models loaded now; training replaces them epoch by epoch. */
  models(): { vae?: VaeHandle; classifier?: ClassifierHandle };
  /** The data, once the app has begun loading it. */
  data(): Promise<Mnist> | undefined;
}

export function createNewNumbersRunner({ store, services, config, models, data }: NewNumbersOptions): NewNumbersRunner {
  const { dispatch } = store;
  const say = (text: string) => dispatch({ type: 'message', text });
  let candidates: NewNumberCandidate[] = [];
  let named: NamedNumber[] = [];
  /** Bumped by each scan and each change of models: a scan that is no longer current stops, its result unused. */
  let generation = 0;
  /** Scans of the current models so far; each moves the grid by taking the next seed. */
  let scans = 0;
  let saving = false;

  /** Rebuilds the gallery, each glyph drawn by the loaded VAE. */
  function showGallery(): void {
    const items = galleryItems(candidates, named, store.getState().models.vae);
    const { vae } = models();
    if (vae !== undefined && items.length > 0) {
      const pixels = vae.decode(Float32Array.from(items.flatMap((item) => item.z))); // [count * 784]
      items.forEach((item, i) => (item.pixels = pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS)));
    }
    dispatch({ type: 'numbers-items', items });
  }

  async function scan(): Promise<void> {
    const { vae, classifier } = models();
    const loading = data();
    if (vae === undefined || classifier === undefined || loading === undefined) return;
    const mine = ++generation;
    const current = () => mine === generation;
    const seed = config.seed + scans++;
    dispatch({
      type: 'numbers-scan',
      scan: { stage: 'encoding', done: 0, total: store.getState().dataset?.test ?? 0 },
    });
    try {
      const { test } = await loading;
      const result = await services.discoverNewNumbers({ vae, classifier }, test, {
        gridSide: TUI_GRID_SIDE,
        seed,
        onProgress: ({ stage, done, total }) => {
          // Throwing between batches is the one way to stop a scan.
          if (!current()) throw new Error('the scan was superseded');
          dispatch({ type: 'numbers-scan', scan: { stage, done, total } });
        },
      });
      if (!current()) return;
      candidates = result.candidates;
      dispatch({ type: 'numbers-scan', scan: { stage: 'done', points: result.points } });
      showGallery();
    } catch (error) {
      // A superseded scan fails on purpose, or on models disposed under it; only a current one's failure matters.
      if (current()) dispatch({ type: 'numbers-scan', scan: { stage: 'failed', error: firstLine(error) } });
    }
  }

  function selected() {
    const { items, selected } = store.getState().numbers;
    return items[selected];
  }

  return {
    opened() {
      const { stage } = store.getState().numbers.scan;
      if (stage === 'none' || stage === 'stale') void scan();
    },
    rescan() {
      const { stage } = store.getState().numbers.scan;
      if (stage === 'encoding' || stage === 'scanning') say('A scan is under way.');
      else void scan();
    },
    modelsChanged() {
      generation += 1;
      scans = 0;
      candidates = [];
      const { numbers, view } = store.getState();
      if (numbers.naming !== undefined) {
        dispatch({ type: 'numbers-naming', text: undefined });
        say('The models changed, so the glyph being named was dropped; r scans again.');
      }
      if (numbers.scan.stage !== 'none') dispatch({ type: 'numbers-scan', scan: { stage: 'stale' } });
      showGallery();
      // Opened before the models had loaded, the view has waited for them.
      if (numbers.scan.stage === 'none' && view === 'numbers') void scan();
    },
    async loadNames() {
      try {
        named = await services.loadNamedNumbers();
        showGallery();
      } catch (error) {
        say(firstLine(error));
      }
    },
    startNaming() {
      const item = selected();
      if (item === undefined) return;
      if (item.name !== undefined) say(`This one is named ${item.name} already.`);
      else dispatch({ type: 'numbers-naming', text: '' });
    },
    async saveName() {
      const { numbers, models: saved, modelsDir } = store.getState();
      const item = selected();
      if (saving || numbers.naming === undefined || item === undefined || saved.vae === undefined) return;
      saving = true;
      try {
        named = await services.saveNamedNumber({ name: numbers.naming, z: item.z, vae: saved.vae, cnn: saved.cnn });
        dispatch({ type: 'numbers-naming', text: undefined });
        showGallery();
        say(`Named ${named.at(-1)!.name}, saved in ${path.join(modelsDir, NAMED_NUMBERS_FILE)}.`);
      } catch (error) {
        say(firstLine(error));
      } finally {
        saving = false;
      }
    },
    stop() {
      generation += 1;
    },
  };
}
