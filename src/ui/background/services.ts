/**
 * What the app needs from the machine-learning side, as plain functions on
 * typed arrays. The real ones wrap TensorFlow.js (`createMlServices`);
 * tests pass fakes that answer at once and the same way every time.
 */
import type { DigitSet, Mnist } from '../../data/index.js';
import type { ModelMetadata, SessionOptions, TrainingSession, WalkOptions, WalkSummary } from '../../ml/index.js';
import type { ClassifierInsight, VaeInsight } from '../../ml/analysis/index.js';
import type { NamedNumber, NewName, NewNumberCandidate } from '../../ml/new-numbers/index.js';

/** Starts training in the background; `startTraining` is the real one. */
export type Trainer = (data: Mnist, options: SessionOptions) => TrainingSession;

/** A loaded classifier. */
export interface ClassifierHandle {
  metadata: ModelMetadata;
  /** Class probabilities [n * 10] of images [n * 784] with pixels in [0, 1]. */
  classify(pixels: Float32Array): Float32Array;
  /** Frees the model's memory. */
  dispose(): void;
}

/** A loaded VAE with a 2-D latent space. */
export interface VaeHandle {
  metadata: ModelMetadata;
  /** Images [n * 784] in [0, 1] for latent points [n * 2]. */
  decode(points: Float32Array): Float32Array;
  /** Latent means [n * 2] of images [n * 784] in [0, 1]. */
  encode(images: Float32Array): Float32Array;
  /**
   * [count * 2] the test set's latent means when known without encoding: the shipped VAE's,
   * of the bundled MNIST. The latent map uses them only when they cover the whole test set.
   */
  testEncodings?: Float32Array;
  dispose(): void;
}

/** How far a scan for new numbers has got: first the test set is encoded, then the grid judged. */
export interface ScanProgress {
  stage: 'encoding' | 'scanning';
  done: number;
  total: number;
}

/** What a scan for new numbers found. */
export interface ScanResult {
  /** Best first. */
  candidates: NewNumberCandidate[];
  /** Grid points decoded and judged. */
  points: number;
}

export interface ScanOptions {
  /** Points per side of the scanned grid. */
  gridSide: number;
  /** Places the grid; another seed samples between the points of the last. */
  seed: number;
  /** Called between batches; a callback that throws stops the scan there. */
  onProgress(progress: ScanProgress): void;
}

/** Called between slices of an analysis with the test images done; a callback that throws stops it. */
export type InsightProgress = (done: number, total: number) => void;

export interface AppServices {
  /** Makes the configured backend active; resolves to the name of the one in use. */
  initBackend(): Promise<string>;
  /** The MNIST data as configured (training set perhaps limited, full test set). */
  loadData(): Promise<Mnist>;
  /** The saved CNN (or the shipped one standing in; see its metadata's `origin`), or `undefined` when there is none. */
  loadClassifier(): Promise<ClassifierHandle | undefined>;
  /** The saved VAE (or the shipped one standing in; see its metadata's `origin`), or `undefined` when there is none. */
  loadVae(): Promise<VaeHandle | undefined>;
  trainer: Trainer;
  /**
   * Scans the VAE's latent plane for glyphs the CNN cannot name, over the
   * `test` digits; yields to input between batches.
   */
  discoverNewNumbers(
    models: { vae: VaeHandle; classifier: ClassifierHandle },
    test: DigitSet,
    options: ScanOptions,
  ): Promise<ScanResult>;
  /**
   * The CNN's confusion matrix, per-digit accuracy and `top` surest mistakes on `test`;
   * yields to input between slices.
   */
  analyseClassifier(
    classifier: ClassifierHandle,
    test: DigitSet,
    options: { top: number; onProgress: InsightProgress },
  ): Promise<ClassifierInsight>;
  /** The VAE's −ELBO on `test` split into reconstruction and KL, and `examples` reconstructions; yields to input. */
  analyseVae(
    vae: VaeHandle,
    test: DigitSet,
    options: { examples: number; onProgress: InsightProgress },
  ): Promise<VaeInsight>;
  /** The numbers named so far, oldest first. */
  loadNamedNumbers(): Promise<NamedNumber[]>;
  /** Saves a name for a glyph; resolves to every named number, the new one last. */
  saveNamedNumber(entry: NewName): Promise<NamedNumber[]>;
  /** Writes the latent walk along `waypoints` as an animated GIF to `file`, whole or not at all. */
  saveWalk(
    models: { vae: VaeHandle; classifier: ClassifierHandle },
    waypoints: readonly (readonly [number, number])[],
    file: string,
    options: WalkOptions,
  ): Promise<WalkSummary>;
}
