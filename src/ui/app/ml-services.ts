/**
 * The app's services backed by TensorFlow.js, the saved models and MNIST on
 * disk. TensorFlow.js is imported on first use, after the first frame is on
 * screen, since loading it takes a good part of a second.
 */
import type { Config } from '../../config.js';
import { loadMnist, MNIST_MEAN, MNIST_STD } from '../../data/index.js';
import type { AppServices } from './services.js';

type Ml = typeof import('../../ml/index.js');

/** The classifier's input: pixels centred and scaled as in training. */
function normalise(pixels: Float32Array): Float32Array {
  return pixels.map((p) => (p - MNIST_MEAN) / MNIST_STD);
}

export function createMlServices(config: Pick<Config, 'backend' | 'dataDir' | 'limit' | 'modelsDir'>): AppServices {
  let loaded: Ml | undefined;
  const ml = async () => (loaded ??= await import('../../ml/index.js'));
  return {
    initBackend: async () => (await ml()).initBackend(config.backend),
    loadData: () => loadMnist({ dataDir: config.dataDir, limit: config.limit }),
    async loadClassifier() {
      const { classifyImages, loadClassifier } = await ml();
      const saved = await loadClassifier(config.modelsDir);
      if (saved === undefined) return undefined;
      const { model, metadata } = saved;
      return {
        metadata,
        classify: (pixels) => classifyImages(model, normalise(pixels)),
        dispose: () => model.dispose(),
      };
    },
    async loadVae() {
      const { decodePoints, encodeImages, loadVae, ModelFileError } = await ml();
      const saved = await loadVae(config.modelsDir);
      if (saved === undefined) return undefined;
      const { vae, metadata } = saved;
      if (vae.latentDim !== 2) {
        throw new ModelFileError(
          `${config.modelsDir}/vae: the explorer needs a 2-D latent space, not ${vae.latentDim}-D`,
        );
      }
      return {
        metadata,
        decode: (points) => decodePoints(vae, points),
        encode: (images) => encodeImages(vae, images),
        dispose: () => {
          vae.encoder.dispose();
          vae.decoder.dispose();
        },
      };
    },
    trainer(data, options) {
      // The app trains only once its data has loaded, which is after the backend started.
      if (loaded === undefined) throw new Error('TensorFlow.js is not loaded yet');
      return loaded.startTraining(data, options);
    },
  };
}
