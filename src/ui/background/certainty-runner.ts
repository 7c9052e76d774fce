/**
 * The explorer's certainty map, computed in the background: while the map
 * shows it, the glyph at each cell of the map's grid is decoded and
 * classified on the UI thread, in slices short enough that keys still answer
 * between them. Maps are kept per grid for the loaded models, so switching
 * back or resizing to a size seen before costs nothing; a new model (training
 * saves one each epoch) starts over, the old map shown until the new is whole.
 */
import { certaintySlices } from '../../ml/new-numbers/certainty-map.js';
import { firstLine } from '../../errors.js';
import { computeLayout, LATENT_EXTENT, mapGrid, type Grid } from '../layout/index.js';
import type { AppState, CertaintyMap, Store } from '../state/index.js';
import type { ClassifierHandle, VaeHandle } from './services.js';
import { createSliceSizer } from './slice-sizer.js';

/** Cells of the first slice; later ones are sized to the slice budget from how long the last took. */
const FIRST_SLICE = 4;
const MAX_SLICE = 256;

const yieldToInput = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The certainty map's background work; it starts by itself when the map is asked for. */
export interface CertaintyRunner {
  /** A model was loaded or replaced: maps computed so far no longer hold. */
  modelsChanged(): void;
  /** Stops any computation, for quitting. */
  stop(): void;
}

/** What the runner works with. */
export interface CertaintyOptions {
  store: Store;
  /** The models loaded now. */
  models(): { vae?: VaeHandle; classifier?: ClassifierHandle };
}

const keyOf = (grid: Grid) => `${grid.columns}x${grid.rows}`;

/** The grid the explorer's map is drawn on now, when it shows the certainty layer. */
function wantedGrid(state: AppState): Grid | undefined {
  if (state.explorer.layer !== 'certainty') return undefined;
  return mapGrid(computeLayout(state.size).explore.map, state.display);
}

/** Starts watching `store`: the map is computed whenever the certainty layer is on and has none for its grid. */
export function createCertaintyRunner({ store, models }: CertaintyOptions): CertaintyRunner {
  const { dispatch } = store;
  /** Finished maps of the loaded models, by grid. */
  let maps = new Map<string, CertaintyMap>();
  /** Every map ever finished, so a part-done one left in the state is known as such. */
  const whole = new WeakSet<CertaintyMap>();
  /** Bumped by each change of models and by stop: a computation of an older one stops. */
  let generation = 0;
  /** The grid being computed, with its generation. */
  let running: { key: string; generation: number } | undefined;
  let stopped = false;

  async function compute(grid: Grid, mine: number): Promise<void> {
    const { vae, classifier } = models();
    const key = keyOf(grid);
    if (vae === undefined || classifier === undefined) {
      running = undefined;
      return;
    }
    const total = grid.columns * grid.rows;
    const values = new Float32Array(total).fill(Number.NaN);
    const map: CertaintyMap = { columns: grid.columns, rows: grid.rows, values };
    // A map of this grid already shown (from the models before) stays until the new one is whole.
    const shown = store.getState().explorer.certainty;
    const progressive =
      shown === undefined || !whole.has(shown) || shown.columns !== grid.columns || shown.rows !== grid.rows;
    const current = () => mine === generation && wantedKey() === key;
    const glyphModels = {
      decode: (z: Float32Array) => vae.decode(z),
      classify: (x: Float32Array) => classifier.classify(x),
    };
    const slices = certaintySlices({ ...grid, extent: LATENT_EXTENT }, glyphModels, values, FIRST_SLICE);
    try {
      dispatch({ type: 'certainty', map: progressive ? map : shown, progress: { done: 0, total } });
      const sizer = createSliceSizer(FIRST_SLICE, MAX_SLICE);
      for (;;) {
        await yieldToInput();
        if (!current()) return;
        const step = sizer.run((size) => slices.next(size));
        if (step.done) break;
        const progress = { done: step.value, total };
        store.post({ type: 'certainty', map: progressive ? { ...map, values: values.slice() } : shown, progress });
      }
      maps.set(key, map);
      whole.add(map);
      dispatch({ type: 'certainty', map, progress: undefined });
    } catch (error) {
      // Models disposed under a stale computation fail it on purpose; only a current one's failure is news.
      if (current()) {
        dispatch({ type: 'certainty', map: undefined, progress: undefined });
        dispatch({ type: 'message', text: `cannot draw the certainty map: ${firstLine(error)}` });
      }
    } finally {
      if (running?.generation === mine && running.key === key) running = undefined;
    }
  }

  function wantedKey(): string | undefined {
    const grid = wantedGrid(store.getState());
    return grid && keyOf(grid);
  }

  /** Shows the map the state asks for: from the cache, or by starting its computation. */
  function update(): void {
    if (stopped) return;
    const state = store.getState();
    const grid = wantedGrid(state);
    if (grid === undefined) return;
    const key = keyOf(grid);
    if (running?.key === key && running.generation === generation) return;
    const cached = maps.get(key);
    if (cached !== undefined) {
      const { certainty, certaintyProgress } = state.explorer;
      if (certainty !== cached || certaintyProgress !== undefined) {
        dispatch({ type: 'certainty', map: cached, progress: undefined });
      }
      return;
    }
    const { vae, classifier } = models();
    if (vae === undefined || classifier === undefined) return;
    running = { key, generation };
    void compute(grid, generation);
  }

  store.subscribe(update);
  return {
    modelsChanged() {
      generation += 1;
      maps = new Map();
      running = undefined;
      const { vae, classifier } = models();
      // Without both models there is no map to show, not even the last one.
      if (vae === undefined || classifier === undefined) {
        dispatch({ type: 'certainty', map: undefined, progress: undefined });
      }
      update();
    },
    stop() {
      stopped = true;
      generation += 1;
    },
  };
}
