import type { Config } from '../config.js';
import { loadMnist } from '../data/index.js';
import {
  evaluateClassifier,
  evaluateVae,
  initBackend,
  loadClassifier,
  loadVae,
  releaseBackend,
  type TestMetrics,
} from '../ml/index.js';
import { detailLines, evalDetails, type CnnDetails, type EvalFlags, type VaeDetails } from './eval-details.js';
import type { CommandOptions } from './io.js';
import { MissingModelError } from './missing-model.js';

/**
 * `mnist-tui eval`: test metrics of whichever saved models exist, on the full test set. It
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
  { io, json, details }: CommandOptions & EvalFlags,
  backend: string,
): Promise<number> {
  const [classifier, vae] = [await loadClassifier(config.modelsDir), await loadVae(config.modelsDir)];
  if (classifier === undefined && vae === undefined) throw new MissingModelError('cnn', config.modelsDir);
  const { test, source } = await loadMnist({ dataDir: config.dataDir });
  const result: {
    event: 'eval';
    backend: string;
    testImages: number;
    cnn?: TestMetrics & Partial<CnnDetails>;
    vae?: TestMetrics & Partial<VaeDetails>;
  } = {
    event: 'eval',
    backend,
    testImages: test.count,
  };
  if (classifier) result.cnn = await evaluateClassifier(classifier.model, test);
  if (vae) result.vae = await evaluateVae(vae.vae, test, vae.metadata.seed);
  const more = details ? await evalDetails({ classifier, vae }, test) : {};
  if (result.cnn) Object.assign(result.cnn, more.cnn);
  if (result.vae) Object.assign(result.vae, more.vae);
  if (json) {
    io.out(JSON.stringify(result));
    return 0;
  }
  io.out(`Test set: ${test.count} images from ${source}, backend ${backend}`);
  io.out(
    result.cnn?.testAccuracy !== undefined
      ? `CNN test accuracy: ${(result.cnn.testAccuracy * 100).toFixed(2)}%`
      : 'CNN: not trained (mnist-tui train cnn)',
  );
  io.out(
    result.vae?.testNegElbo !== undefined
      ? `VAE test -ELBO: ${result.vae.testNegElbo.toFixed(2)} nats/image`
      : 'VAE: not trained (mnist-tui train vae)',
  );
  for (const line of detailLines(more)) io.out(line);
  return 0;
}
