import type { Mnist } from '../../data/index.js';
import { initBackend, releaseBackend } from '../backend.js';
import { combineMetrics } from '../evaluate.js';
import { saveModelSet } from '../model-store.js';
import { createStepper } from '../stepper.js';
import { createTask } from '../tasks.js';
import type { EngineOptions, TrainEngine } from './engine.js';

/** Trains in the calling thread: the simplest engine, and the reference the others match. */
export async function createLocalEngine(data: Mnist, options: EngineOptions): Promise<TrainEngine> {
  const backend = await initBackend(options.backend, 'async');
  const task = createTask(options.model, data.train, options.seed, { binarize: options.binarize, cnn: options.recipe });
  const stepper = await createStepper(task);
  return {
    backend,
    workers: 1,
    setLearningRate(learningRate) {
      stepper.adam.learningRate = learningRate;
    },
    step: (indices, epoch) => stepper.step(indices, epoch),
    async evaluate() {
      stepper.sync();
      return combineMetrics([await task.evaluate(data.test)]);
    },
    save(modelsDir, metadata) {
      stepper.sync();
      return saveModelSet(modelsDir, options.model, task.parts, metadata);
    },
    async dispose() {
      for (const part of Object.values(task.parts)) part.dispose();
      await releaseBackend();
    },
  };
}
