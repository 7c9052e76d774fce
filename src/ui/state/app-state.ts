/**
 * Everything the screen shows, as one plain value. Views are functions of
 * it; the controller changes it only through actions (see `reduce`).
 */
import type { ModelName } from '../../config.js';
import { IMAGE_SIDE } from '../../data/index.js';
import type { ModelMetadata } from '../../ml/index.js';
import type { ClassifierInsight, VaeInsight } from '../../ml/analysis/index.js';
import type { NewNumberCandidate } from '../../ml/new-numbers/index.js';
import type { ColourDepth } from '../../render/index.js';
import type { GraphicsMode } from '../../render/index.js';
import type { CellSize } from '../terminal/index.js';

/** The five screens, in tab order. */
export const VIEWS = ['models', 'train', 'explore', 'draw', 'numbers'] as const;

export type ViewName = (typeof VIEWS)[number];

/** Terminal size in cells. */
export interface Size {
  columns: number;
  rows: number;
}

/** How this terminal draws. */
export interface Display {
  /** How digits are drawn. */
  graphics: GraphicsMode;
  /** Colour flavour for half blocks and the latent map. */
  depth: ColourDepth;
  /** Whether anything is coloured at all; off in ascii mode. */
  colour: boolean;
  /** Pixels per cell, for sizing sixel images. */
  cell: CellSize;
  /** Inside tmux, sixel needs its passthrough wrapping. */
  tmux: boolean;
}

/** The CNN's answer for one image. */
export interface Guess {
  digit: number;
  /** Probability of `digit`, in [0, 1]. */
  confidence: number;
}

/** A point of the VAE's latent plane. */
export type LatentPoint = readonly [number, number];

/** Metrics of one completed epoch of the current run. */
export interface EpochResult {
  epoch: number;
  loss: number;
  testAccuracy?: number;
  testNegElbo?: number;
}

/** The model being trained right now. */
export interface ActiveTraining {
  model: ModelName;
  epochs: number;
  /** 1-based epoch in progress; 0 before the first batch report. */
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  imagesPerSecond: number;
  etaSeconds: number;
  paused: boolean;
  cancelling: boolean;
}

/** What happened in this session's training of one model. */
export interface TrainingRun {
  /** Batch losses as reported, oldest first. */
  losses: number[];
  epochs: EpochResult[];
  outcome?: 'done' | 'cancelled' | 'failed';
  /** Why it failed, in one line. */
  error?: string;
}

export interface TrainingState {
  active?: ActiveTraining;
  /** Models waiting to train after the active one. */
  queue: ModelName[];
  runs: Partial<Record<ModelName, TrainingRun>>;
  /** The run the Train view charts: the active one, else the last. */
  shown?: ModelName;
}

/** What the explorer's map is coloured by: the test digits' labels, or how sure the CNN is. */
export type MapLayer = 'digits' | 'certainty';

/** The CNN's confidence over a grid laid on the map (see `Grid` in ui/layout). */
export interface CertaintyMap {
  columns: number;
  rows: number;
  /**
   * [columns * rows] the CNN's top probability for the glyph decoded at each
   * cell's centre, row-major from the top left; NaN where not computed yet.
   */
  values: Float32Array;
}

/** How far the computation of a certainty map has got, in cells. */
export interface CertaintyProgress {
  done: number;
  total: number;
}

export interface ExplorerState {
  cursor: LatentPoint;
  /** [784] pixels in [0, 1] decoded at the cursor; absent without a VAE. */
  digit?: Float32Array;
  guess?: Guess;
  /** [10] the CNN's probability of each digit for `digit`; absent without a CNN. */
  probabilities?: Float32Array;
  /** What the map shows; `u` switches. */
  layer: MapLayer;
  /** The last certainty map computed for the models and grid shown (perhaps in part). */
  certainty?: CertaintyMap;
  /** Set while a certainty map is being computed. */
  certaintyProgress?: CertaintyProgress;
  /** [total * 2] latent means of the test images, filled in as they are encoded. */
  points?: Float32Array;
  /** [total] digit of each test image. */
  labels?: Uint8Array;
  /** How many of `total` are encoded so far. */
  encoded: number;
  total: number;
}

export interface DrawState {
  /** [784] ink in [0, 1], row-major. */
  pixels: Float32Array;
  /** The key-driven pen, in pixels. */
  pen: { x: number; y: number };
  /** When down, moving the pen with keys inks. */
  penDown: boolean;
  guess?: Guess;
  /** Where the VAE encodes the drawing; absent for a blank canvas or without a VAE. */
  encoding?: LatentPoint;
}

/** One glyph of the New numbers gallery: a candidate of the last scan, a named number, or both. */
export interface GalleryItem {
  z: LatentPoint;
  /** The name someone gave it. */
  name?: string;
  /** ISO 8601 time of naming. */
  namedAt?: string;
  /** How the scan judged it, when the scan found it. */
  candidate?: NewNumberCandidate;
  /** Named under another VAE, which drew something else at `z` than the loaded one does. */
  otherVae: boolean;
  /** [784] the loaded VAE's glyph at `z`. */
  pixels?: Float32Array;
}

/** Where the search for new numbers stands. */
export type ScanState =
  | { stage: 'none' }
  /** The models changed since the last scan, so its candidates were dropped. */
  | { stage: 'stale' }
  /** `done` of `total` test images encoded, or grid points judged. */
  | { stage: 'encoding' | 'scanning'; done: number; total: number }
  | { stage: 'done'; points: number }
  | { stage: 'failed'; error: string };

export interface NumbersState {
  scan: ScanState;
  /** The gallery in order: the scan's candidates, then the named numbers it did not find. */
  items: GalleryItem[];
  /** Index into `items`; 0 when there are none. */
  selected: number;
  /** The name being typed for the selected glyph; absent when not naming. */
  naming?: string;
}

/** Where the insight into one model stands; `key` names the model it is for (`insightKey`). */
export type ModelInsight<T> = { key: string } & (
  | { stage: 'computing'; done: number; total: number }
  | { stage: 'done'; result: T }
  | { stage: 'failed'; error: string }
);

/** What the Models view shows of how the models do on the test set. */
export interface InsightState {
  /** The model chosen to be shown; until one is, see `insightShown`. */
  shown?: ModelName;
  cnn?: ModelInsight<ClassifierInsight>;
  vae?: ModelInsight<VaeInsight>;
}

/**
 * Names one saved copy of a model: a save writes a new date, so a model
 * retrained, or trained one more epoch, gets a new key and a new insight.
 */
export function insightKey(metadata: ModelMetadata): string {
  return `${metadata.model} ${metadata.date} ${metadata.epochs}`;
}

/** The model whose insight the Models view shows: the one chosen with `i`, else the CNN unless only the VAE is trained. */
export function insightShown(state: Pick<AppState, 'insight' | 'models'>): ModelName {
  return state.insight.shown ?? (state.models.cnn === undefined && state.models.vae !== undefined ? 'vae' : 'cnn');
}

export interface AppState {
  size: Size;
  display: Display;
  view: ViewName;
  help: boolean;
  modelsDir: string;
  /** Filled in as the app starts: backend and data come first, models after. */
  backend?: string;
  dataset?: { source: string; train: number; test: number };
  /** True until the saved models have been looked for. */
  loading: boolean;
  models: Partial<Record<ModelName, ModelMetadata>>;
  /** Why a saved model could not be loaded, for each model found but refused. */
  unusable: Partial<Record<ModelName, string>>;
  training: TrainingState;
  explorer: ExplorerState;
  draw: DrawState;
  numbers: NumbersState;
  insight: InsightState;
  /** One line for the status bar: the latest error or hint. */
  message?: string;
  /** Set once quitting has begun; training may still be stopping. */
  quitting: boolean;
}

/** The state before anything has loaded. */
export function initialState(size: Size, display: Display, modelsDir: string): AppState {
  return {
    size,
    display,
    view: 'models',
    help: false,
    modelsDir,
    loading: true,
    models: {},
    unusable: {},
    training: { queue: [], runs: {} },
    explorer: { cursor: [0, 0], encoded: 0, total: 0, layer: 'digits' },
    draw: {
      pixels: new Float32Array(IMAGE_SIDE * IMAGE_SIDE),
      pen: { x: IMAGE_SIDE / 2, y: IMAGE_SIDE / 2 },
      penDown: false,
    },
    numbers: { scan: { stage: 'none' }, items: [], selected: 0 },
    insight: {},
    quitting: false,
  };
}
