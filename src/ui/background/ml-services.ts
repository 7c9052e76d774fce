/**
 * The app's services backed by TensorFlow.js, the saved models and MNIST on
 * disk. TensorFlow.js is imported on first use, after the first frame is on
 * screen, since loading it takes a good part of a second.
 */
import type { Config } from '../../config.js';
import { IMAGE_PIXELS, loadMnist, normaliseUnit, type DigitSet } from '../../data/index.js';
import type { PretrainedUse, SavedClassifier, SavedVae } from '../../ml/index.js';
import type { TestSetSummary } from '../../ml/new-numbers/index.js';
import type { AppServices, ClassifierHandle, ScanProgress, VaeHandle } from './services.js';

type Ml = typeof import('../../ml/index.js');
type NewNumbers = typeof import('../../ml/new-numbers/index.js');

/** Test images encoded between yields to input: a fraction of a second on a CPU. */
const SUMMARY_SLICE = 1000;

const yieldToInput = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `summariseTestSet` slice by slice, so the screen keeps answering while the test set is encoded. */
async function summariseInSlices(
  newNumbers: NewNumbers,
  vae: SavedVae['vae'],
  test: DigitSet,
  onProgress: (progress: ScanProgress) => void,
): Promise<TestSetSummary> {
  const encodings = new Float32Array(test.count * vae.latentDim); // [count, latentDim]
  const inkMasses = new Float64Array(test.count);
  for (let start = 0; start < test.count; start += SUMMARY_SLICE) {
    const end = Math.min(test.count, start + SUMMARY_SLICE);
    const slice: DigitSet = {
      images: test.images.subarray(start * IMAGE_PIXELS, end * IMAGE_PIXELS),
      labels: test.labels.subarray(start, end),
      count: end - start,
    };
    const part = newNumbers.summariseTestSet(vae, slice);
    encodings.set(part.encodings, start * vae.latentDim);
    inkMasses.set(part.inkMasses, start);
    onProgress({ stage: 'encoding', done: end, total: test.count });
    await yieldToInput();
  }
  return { encodings, inkMasses };
}

/**
 * The services over `config`'s data and models folder; `pretrained` says whether the shipped
 * models stand in for those the folder lacks (the app passes what the environment says).
 */
export function createMlServices(
  config: Pick<Config, 'backend' | 'dataDir' | 'limit' | 'modelsDir'>,
  pretrained: PretrainedUse = 'never',
): AppServices {
  let loaded: Ml | undefined;
  const ml = async () => (loaded ??= await import('../../ml/index.js'));
  const newNumbers = () => import('../../ml/new-numbers/index.js');
  const analysis = () => import('../../ml/analysis/index.js');
  /** Reports a slice done, then lets input through before the next. */
  const reportAndYield = (onProgress: (done: number, total: number) => void) => async (done: number, total: number) => {
    onProgress(done, total);
    await yieldToInput();
  };
  // The handles hide TensorFlow.js from the app; discovery needs the models behind them.
  const classifiers = new WeakMap<ClassifierHandle, SavedClassifier['model']>();
  const vaes = new WeakMap<VaeHandle, SavedVae['vae']>();
  return {
    initBackend: async () => (await ml()).initBackend(config.backend),
    loadData: () => loadMnist({ dataDir: config.dataDir, limit: config.limit }),
    async loadClassifier() {
      const { classifyImages, loadClassifier } = await ml();
      const saved = await loadClassifier(config.modelsDir, pretrained);
      if (saved === undefined) return undefined;
      const { model, metadata } = saved;
      const handle: ClassifierHandle = {
        metadata,
        classify: (pixels) => classifyImages(model, normaliseUnit(pixels)),
        dispose: () => model.dispose(),
      };
      classifiers.set(handle, model);
      return handle;
    },
    async loadVae() {
      const { decodePoints, encodeImages, loadVae, ModelFileError, readShippedTestEncodings } = await ml();
      const saved = await loadVae(config.modelsDir, pretrained);
      if (saved === undefined) return undefined;
      const { vae, metadata } = saved;
      if (vae.latentDim !== 2) {
        throw new ModelFileError(
          `${config.modelsDir}/vae: the explorer needs a 2-D latent space, not ${vae.latentDim}-D`,
        );
      }
      // The shipped encodings are of the bundled test set; another --data-dir has its own.
      const shipped = metadata.origin === 'pretrained' && config.dataDir === undefined;
      const handle: VaeHandle = {
        metadata,
        testEncodings: shipped ? await readShippedTestEncodings() : undefined,
        decode: (points) => decodePoints(vae, points),
        encode: (images) => encodeImages(vae, images),
        dispose: () => {
          vae.encoder.dispose();
          vae.decoder.dispose();
        },
      };
      vaes.set(handle, vae);
      return handle;
    },
    trainer(data, options) {
      // The app trains only once its data has loaded, which is after the backend started.
      if (loaded === undefined) throw new Error('TensorFlow.js is not loaded yet');
      return loaded.startTraining(data, options);
    },
    async discoverNewNumbers(handles, test, { gridSide, seed, onProgress }) {
      const vae = vaes.get(handles.vae);
      const classifier = classifiers.get(handles.classifier);
      if (vae === undefined || classifier === undefined) throw new Error('these models were not loaded by this app');
      const discovery = await newNumbers();
      const summary = await summariseInSlices(discovery, vae, test, onProgress);
      const { candidates, counts } = await discovery.discoverNewNumbers({ vae, classifier }, summary, {
        seed,
        gridSide,
        onProgress: (done, total) => onProgress({ stage: 'scanning', done, total }),
      });
      return { candidates, points: counts.points };
    },
    async analyseClassifier(handle, test, { top, onProgress }) {
      const model = classifiers.get(handle);
      if (model === undefined) throw new Error('this classifier was not loaded by this app');
      return (await analysis()).classifierInsight(model, test, { top, onSlice: reportAndYield(onProgress) });
    },
    async analyseVae(handle, test, { examples, onProgress }) {
      const vae = vaes.get(handle);
      if (vae === undefined) throw new Error('this VAE was not loaded by this app');
      const { seed, binarized } = handle.metadata;
      const onSlice = reportAndYield(onProgress);
      return (await analysis()).vaeInsight(vae, test, { seed, examples, onSlice, binarized });
    },
    loadNamedNumbers: async () => (await newNumbers()).loadNamedNumbers(config.modelsDir),
    saveNamedNumber: async (entry) => (await newNumbers()).saveNamedNumber(config.modelsDir, entry),
    // The handles' functions already take pixels in [0, 1], as the walk asks.
    saveWalk: async ({ vae, classifier }, waypoints, file, options) =>
      (await ml()).saveWalkGif(file, { decode: vae.decode, classify: classifier.classify }, waypoints, options),
  };
}
