import type { Config } from '../config.js';
import { loadMnist } from '../data/index.js';
import {
  evaluateClassifier,
  evaluateVae,
  initBackend,
  loadClassifier,
  loadVae,
  ModelFileError,
  PRETRAINED_DIR,
  pretrainedUse,
  releaseBackend,
  type ModelMetadata,
  type TestMetrics,
} from '../ml/index.js';
import type { CommandOptions } from './io.js';
import { MissingModelError } from './missing-model.js';
import { modelOrigins } from './model-label.js';

export interface EvalFlags {
  /** Evaluate the shipped pretrained models, whatever the models folder holds. */
  pretrained?: boolean;
}

/**
 * `mnist-tui eval`: test metrics of whichever saved models exist (those of the models folder,
 * else the shipped ones; with --pretrained the shipped ones), on the full test set. It
 * awaits its reads, so it may run on webgpu.
 */
export async function evalCommand(config: Config, options: CommandOptions & EvalFlags): Promise<number> {
  const backend = await initBackend(config.backend, 'async');
  try {
    return await evaluateSaved(config, options, backend);
  } finally {
    await releaseBackend();
  }
}

async function evaluateSaved(
  config: Config,
  { io, json, pretrained }: CommandOptions & EvalFlags,
  backend: string,
): Promise<number> {
  const use = pretrained ? 'only' : pretrainedUse(process.env);
  const [classifier, vae] = [await loadClassifier(config.modelsDir, use), await loadVae(config.modelsDir, use)];
  if (classifier === undefined && vae === undefined) {
    if (pretrained) throw new ModelFileError(`${PRETRAINED_DIR}: no pretrained models here`);
    throw new MissingModelError('cnn', config.modelsDir);
  }
  const { test, source } = await loadMnist({ dataDir: config.dataDir });
  const used = [classifier?.metadata, vae?.metadata].filter((m): m is ModelMetadata => m !== undefined);
  const result: {
    event: 'eval';
    backend: string;
    testImages: number;
    models: ReturnType<typeof modelOrigins>;
    cnn?: TestMetrics;
    vae?: TestMetrics;
  } = { event: 'eval', backend, testImages: test.count, models: modelOrigins(...used) };
  if (classifier) result.cnn = await evaluateClassifier(classifier.model, test);
  if (vae) result.vae = await evaluateVae(vae.vae, test, vae.metadata.seed);
  if (json) {
    io.out(JSON.stringify(result));
    return 0;
  }
  io.out(`Test set: ${test.count} images from ${source}, backend ${backend}`);
  io.out(
    result.cnn?.testAccuracy !== undefined
      ? `CNN (${result.models.cnn}) test accuracy: ${(result.cnn.testAccuracy * 100).toFixed(2)}%`
      : 'CNN: not trained (mnist-tui train cnn)',
  );
  io.out(
    result.vae?.testNegElbo !== undefined
      ? `VAE (${result.models.vae}) test -ELBO: ${result.vae.testNegElbo.toFixed(2)} nats/image`
      : 'VAE: not trained (mnist-tui train vae)',
  );
  return 0;
}
