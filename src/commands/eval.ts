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
  vaeImportanceBound,
  type ModelMetadata,
  type TestMetrics,
} from '../ml/index.js';
import { detailLines, evalDetails, type CnnDetails, type VaeDetails } from './eval-details.js';
import type { CommandOptions } from './io.js';
import { MissingModelError } from './missing-model.js';
import { modelOrigins } from './model-label.js';

/** What only `eval` reads. */
export interface EvalFlags {
  /** Evaluate the shipped pretrained models, whatever the models folder holds. */
  pretrained?: boolean;
  /** Samples per test image of the VAE's importance-sampled bound; absent means none computed. */
  iw?: number;
  /** Add the details (confusion matrix, surest mistakes, −ELBO split) to the test metrics. */
  details?: boolean;
}

/** The VAE's figures in eval's result. */
interface VaeResult extends TestMetrics {
  /** Measured on the test set's fixed binarisation (a model trained with --binarize). */
  binarized: boolean;
  /** −(importance-sampled bound on log p(x)), nats per image: an upper bound on −log p(x). */
  iwNegLogLikelihood?: number;
  iwSamples?: number;
  iwSeed?: number;
  iwSeconds?: number;
}

/**
 * `mnist-tui eval`: test metrics of whichever saved models exist (those of the models folder,
 * else the shipped ones; with --pretrained the shipped ones), on the full test set, and with
 * `--iw K` the VAE's importance-sampled bound. It awaits its reads, so it may run on webgpu.
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
  { io, json, iw, details, pretrained }: CommandOptions & EvalFlags,
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
    cnn?: TestMetrics & Partial<CnnDetails>;
    vae?: VaeResult & Partial<VaeDetails>;
  } = { event: 'eval', backend, testImages: test.count, models: modelOrigins(...used) };
  if (classifier) result.cnn = await evaluateClassifier(classifier.model, test);
  if (vae) {
    const binarized = vae.metadata.binarized === true;
    result.vae = { ...(await evaluateVae(vae.vae, test, vae.metadata.seed, binarized)), binarized };
    if (iw !== undefined) {
      const started = performance.now();
      const progress = progressReporter(io, json);
      const bound = await vaeImportanceBound(vae.vae, test, {
        samples: iw,
        seed: config.seed,
        binarized,
        onProgress: progress.report,
      });
      progress.end();
      Object.assign(result.vae, {
        iwNegLogLikelihood: bound,
        iwSamples: iw,
        iwSeed: config.seed,
        iwSeconds: (performance.now() - started) / 1000,
      });
    }
  }
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
      ? `CNN (${result.models.cnn}) test accuracy: ${(result.cnn.testAccuracy * 100).toFixed(2)}%`
      : 'CNN: not trained (mnist-tui train cnn)',
  );
  if (result.vae?.testNegElbo === undefined) {
    io.out('VAE: not trained (mnist-tui train vae)');
    for (const line of detailLines(more)) io.out(line);
    return 0;
  }
  const data = result.vae.binarized ? ' (binarised test set)' : '';
  io.out(`VAE (${result.models.vae}) test -ELBO${data}: ${result.vae.testNegElbo.toFixed(2)} nats/image`);
  const { iwNegLogLikelihood, iwSamples, iwSeconds } = result.vae;
  if (iwNegLogLikelihood !== undefined) {
    io.out(
      `VAE test -log p(x) <= ${iwNegLogLikelihood.toFixed(2)} nats/image` +
        ` (importance-sampled bound, K = ${iwSamples}, seed ${config.seed}, ${iwSeconds?.toFixed(1)} s)`,
    );
  }
  for (const line of detailLines(more)) io.out(line);
  return 0;
}

/** Progress of the importance-sampled bound on stderr: in place on a terminal, else every tenth. */
function progressReporter(io: CommandOptions['io'], json: boolean) {
  let lastTenth = 0;
  return {
    report(done: number, total: number) {
      if (io.isTTY) io.status(`\r\x1b[2KImportance sampling: ${done}/${total} test images`);
      const tenth = Math.floor((10 * done) / total);
      if (!io.isTTY && !json && tenth > lastTenth && done < total) {
        lastTenth = tenth;
        io.err(`Importance sampling: ${done}/${total} test images`);
      }
    },
    end() {
      if (io.isTTY) io.status('\r\x1b[2K');
    },
  };
}
