/**
 * Every change to the app state, as a pure function. The controller does
 * the I/O (models, training, data) and reports the results here.
 */
import type { ModelName } from '../../config.js';
import type { ModelMetadata, TrainEvent } from '../../ml/index.js';
import type {
  ActiveTraining,
  AppState,
  CertaintyMap,
  CertaintyProgress,
  DrawState,
  ExplorerState,
  GalleryItem,
  Guess,
  InsightState,
  LatentPoint,
  MapLayer,
  NumbersState,
  ScanState,
  Size,
  TrainingRun,
  ViewName,
} from './app-state.js';
import { VIEWS } from './app-state.js';

export type Action =
  | { type: 'resize'; size: Size }
  | { type: 'view'; view: ViewName }
  | { type: 'cycle-view'; step: 1 | -1 }
  | { type: 'help'; open: boolean }
  | { type: 'message'; text: string | undefined }
  | { type: 'backend'; name: string }
  | { type: 'dataset'; source: string; train: number; test: number }
  | { type: 'loaded' }
  /** A model looked for on disk: its metadata when loaded, or why it is unusable. */
  | { type: 'model'; model: ModelName; metadata: ModelMetadata | undefined; unusable?: string }
  | { type: 'train-queued'; models: ModelName[] }
  | { type: 'train-event'; event: TrainEvent }
  | { type: 'train-paused'; paused: boolean }
  | { type: 'train-cancelling' }
  | { type: 'train-ended'; model: ModelName; outcome: 'done' | 'cancelled' | 'failed'; error?: string }
  | { type: 'points-reset'; labels: Uint8Array }
  | { type: 'points-encoded'; start: number; mu: Float32Array }
  | {
      type: 'cursor';
      cursor: LatentPoint;
      digit: Float32Array | undefined;
      guess: Guess | undefined;
      probabilities: Float32Array | undefined;
    }
  | { type: 'map-layer'; layer: MapLayer }
  /** The certainty map to show (undefined: none) and how far its computation has got (undefined: done). */
  | { type: 'certainty'; map: CertaintyMap | undefined; progress: CertaintyProgress | undefined }
  | { type: 'draw'; draw: DrawState }
  | { type: 'numbers-scan'; scan: ScanState }
  | { type: 'numbers-items'; items: GalleryItem[] }
  | { type: 'numbers-select'; index: number }
  | { type: 'numbers-naming'; text: string | undefined }
  /** Where the insight into one model, or both, stands now. */
  | { type: 'insight'; update: Partial<Pick<InsightState, ModelName>> }
  | { type: 'insight-shown'; model: ModelName }
  | { type: 'quitting' };

function cycle(view: ViewName, step: 1 | -1): ViewName {
  const index = VIEWS.indexOf(view);
  return VIEWS[(index + step + VIEWS.length) % VIEWS.length]!;
}

function emptyRun(): TrainingRun {
  return { losses: [], epochs: [] };
}

function withRun(state: AppState, model: ModelName, change: (run: TrainingRun) => TrainingRun): AppState {
  const run = state.training.runs[model] ?? emptyRun();
  return { ...state, training: { ...state.training, runs: { ...state.training.runs, [model]: change(run) } } };
}

function withActive(state: AppState, change: (active: ActiveTraining) => ActiveTraining): AppState {
  const { active } = state.training;
  return active === undefined ? state : { ...state, training: { ...state.training, active: change(active) } };
}

function reduceTrainEvent(state: AppState, event: TrainEvent): AppState {
  switch (event.event) {
    case 'start': {
      const active: ActiveTraining = {
        model: event.model,
        epochs: event.epochs,
        epoch: 0,
        batch: 0,
        batchesPerEpoch: event.batchesPerEpoch,
        imagesPerSecond: 0,
        etaSeconds: Number.NaN,
        paused: false,
        cancelling: false,
      };
      const queue = state.training.queue.filter((m) => m !== event.model);
      const next = { ...state, training: { ...state.training, active, queue, shown: event.model } };
      return withRun(next, event.model, emptyRun);
    }
    case 'batch': {
      const next = withActive(state, (active) => ({
        ...active,
        epoch: event.epoch,
        batch: event.batch,
        batchesPerEpoch: event.batchesPerEpoch,
        imagesPerSecond: event.imagesPerSecond,
        etaSeconds: event.etaSeconds,
      }));
      return withRun(next, event.model, (run) => ({ ...run, losses: [...run.losses, event.loss] }));
    }
    case 'epoch': {
      const { epoch, loss, testAccuracy, testNegElbo } = event;
      return withRun(state, event.model, (run) => ({
        ...run,
        epochs: [...run.epochs, { epoch, loss, testAccuracy, testNegElbo }],
      }));
    }
    case 'done':
      return state;
  }
}

function reduceExplorer(explorer: ExplorerState, action: Action): ExplorerState {
  switch (action.type) {
    case 'points-reset':
      return {
        ...explorer,
        labels: action.labels,
        points: new Float32Array(action.labels.length * 2),
        encoded: 0,
        total: action.labels.length,
      };
    case 'points-encoded': {
      if (explorer.points === undefined) return explorer;
      const points = explorer.points.slice();
      points.set(action.mu, action.start * 2);
      return { ...explorer, points, encoded: Math.max(explorer.encoded, action.start + action.mu.length / 2) };
    }
    case 'cursor':
      return {
        ...explorer,
        cursor: action.cursor,
        digit: action.digit,
        guess: action.guess,
        probabilities: action.probabilities,
      };
    case 'map-layer':
      return { ...explorer, layer: action.layer };
    case 'certainty':
      return { ...explorer, certainty: action.map, certaintyProgress: action.progress };
    default:
      return explorer;
  }
}

function reduceNumbers(numbers: NumbersState, action: Action): NumbersState {
  const within = (index: number, items: GalleryItem[]) => Math.max(0, Math.min(items.length - 1, index));
  switch (action.type) {
    case 'numbers-scan':
      return { ...numbers, scan: action.scan };
    case 'numbers-items':
      return { ...numbers, items: action.items, selected: within(numbers.selected, action.items) };
    case 'numbers-select':
      // The selection stays put while a name is typed for it.
      return numbers.naming === undefined ? { ...numbers, selected: within(action.index, numbers.items) } : numbers;
    case 'numbers-naming':
      return { ...numbers, naming: action.text };
    default:
      return numbers;
  }
}

/** The state after `action`. */
export function reduce(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'resize':
      return { ...state, size: action.size };
    case 'view':
      return { ...state, view: action.view, help: false };
    case 'cycle-view':
      return { ...state, view: cycle(state.view, action.step), help: false };
    case 'help':
      return { ...state, help: action.open };
    case 'message':
      return { ...state, message: action.text };
    case 'backend':
      return { ...state, backend: action.name };
    case 'dataset':
      return { ...state, dataset: { source: action.source, train: action.train, test: action.test } };
    case 'loaded':
      return { ...state, loading: false };
    case 'model':
      return {
        ...state,
        models: { ...state.models, [action.model]: action.metadata },
        unusable: { ...state.unusable, [action.model]: action.unusable },
      };
    case 'train-queued':
      return { ...state, training: { ...state.training, queue: action.models } };
    case 'train-event':
      return reduceTrainEvent(state, action.event);
    case 'train-paused':
      return withActive(state, (active) => ({ ...active, paused: action.paused }));
    case 'train-cancelling':
      return withActive(state, (active) => ({ ...active, cancelling: true, paused: false }));
    case 'train-ended': {
      const ended = withRun(state, action.model, (run) => ({ ...run, outcome: action.outcome, error: action.error }));
      const queue = action.outcome === 'done' ? ended.training.queue : [];
      return { ...ended, training: { ...ended.training, active: undefined, queue } };
    }
    case 'points-reset':
    case 'points-encoded':
    case 'cursor':
    case 'map-layer':
    case 'certainty':
      return { ...state, explorer: reduceExplorer(state.explorer, action) };
    case 'draw':
      return { ...state, draw: action.draw };
    case 'numbers-scan':
    case 'numbers-items':
    case 'numbers-select':
    case 'numbers-naming':
      return { ...state, numbers: reduceNumbers(state.numbers, action) };
    case 'insight':
      return { ...state, insight: { ...state.insight, ...action.update } };
    case 'insight-shown':
      return { ...state, insight: { ...state.insight, shown: action.model } };
    case 'quitting':
      return { ...state, quitting: true };
  }
}
