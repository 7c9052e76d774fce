/**
 * The Models view's insight into each model, worked out in the background
 * while that view is open (leaving it stops the work, so the other views keep
 * the UI thread): the CNN's mistakes and the VAE's reconstructions
 * on the test set. Each result is kept with the key of the model it is for,
 * so it is worked out once per saved model, and again when the model changes.
 */
import type { ModelName } from '../../config.js';
import type { Mnist } from '../../data/index.js';
import { firstLine } from '../../errors.js';
import { insightKey, insightShown, type ModelInsight, type Store } from '../state/index.js';
import type { AppServices, ClassifierHandle, VaeHandle } from './services.js';

/** How many of the CNN's surest mistakes are kept: more than the largest screens show. */
const INSIGHT_MISTAKES = 12;
/** Test digits reconstructed by the VAE: one of each digit. */
const INSIGHT_EXAMPLES = 10;
/** Progress is shown at most this often, since each report redraws the frame. */
const REPORT_MS = 150;

export interface InsightRunnerOptions {
  store: Store;
  services: Pick<AppServices, 'analyseClassifier' | 'analyseVae'>;
  /** The models loaded now. */
  models: () => { cnn?: ClassifierHandle; vae?: VaeHandle };
  data: () => Promise<Mnist> | undefined;
}

export interface InsightRunner {
  /** Starts on what the open Models view lacks, the shown model first; call when the view or a model changes. */
  refresh(): void;
  /** Stops for good, when quitting. */
  stop(): void;
}

/** Thrown from a progress report to end work whose model was replaced. */
class Superseded extends Error {}
/** Thrown from a progress report to end work once the Models view is left, so other views get the UI thread. */
class Left extends Error {}

/** A runner reporting to `store`. */
export function createInsightRunner({ store, services, models, data }: InsightRunnerOptions): InsightRunner {
  const { dispatch } = store;
  let running = false;
  let stopped = false;

  /** The first model, shown one first, that is loaded and has no insight for its key yet. */
  function nextWanted(): { model: ModelName; handle: ClassifierHandle | VaeHandle; key: string } | undefined {
    const state = store.getState();
    const order: ModelName[] = insightShown(state) === 'cnn' ? ['cnn', 'vae'] : ['vae', 'cnn'];
    for (const model of order) {
      const handle = models()[model];
      if (handle === undefined) continue;
      const key = insightKey(handle.metadata);
      if (state.insight[model]?.key !== key) return { model, handle, key };
    }
    return undefined;
  }

  async function work(model: ModelName, handle: ClassifierHandle | VaeHandle, key: string): Promise<void> {
    const isCurrent = () => !stopped && models()[model] === handle;
    // Progress and failure carry no result, so they fit either model's insight.
    const set = (insight: ModelInsight<never>) =>
      dispatch({ type: 'insight', update: model === 'cnn' ? { cnn: insight } : { vae: insight } });
    const report = (done: number, total: number) => set({ key, stage: 'computing', done, total });
    report(0, 0);
    try {
      const loaded = data();
      if (loaded === undefined) throw new Error('the test set did not load');
      const { test } = await loaded;
      report(0, test.count);
      let lastReport = performance.now();
      const onProgress = (done: number, total: number) => {
        if (!isCurrent()) throw new Superseded();
        if (store.getState().view !== 'models') throw new Left();
        if (performance.now() - lastReport < REPORT_MS) return;
        lastReport = performance.now();
        report(done, total);
      };
      if (model === 'cnn') {
        const result = await services.analyseClassifier(handle as ClassifierHandle, test, {
          top: INSIGHT_MISTAKES,
          onProgress,
        });
        if (isCurrent()) dispatch({ type: 'insight', update: { cnn: { key, stage: 'done', result } } });
      } else {
        const result = await services.analyseVae(handle as VaeHandle, test, { examples: INSIGHT_EXAMPLES, onProgress });
        if (isCurrent()) dispatch({ type: 'insight', update: { vae: { key, stage: 'done', result } } });
      }
    } catch (error) {
      // Work for a model replaced meanwhile is dropped; the next refresh starts on the new one.
      if (error instanceof Superseded || !isCurrent()) return;
      // Work left half done starts again from the beginning when the view opens again.
      if (error instanceof Left) {
        dispatch({ type: 'insight', update: model === 'cnn' ? { cnn: undefined } : { vae: undefined } });
        return;
      }
      set({ key, stage: 'failed', error: firstLine(error) });
    }
  }

  async function refresh(): Promise<void> {
    // One analysis at a time: each takes the UI thread between its yields.
    if (running || stopped || store.getState().view !== 'models') return;
    const next = nextWanted();
    if (next === undefined) return;
    running = true;
    try {
      await work(next.model, next.handle, next.key);
    } finally {
      running = false;
    }
    void refresh();
  }

  return {
    refresh: () => void refresh(),
    stop() {
      stopped = true;
    },
  };
}
