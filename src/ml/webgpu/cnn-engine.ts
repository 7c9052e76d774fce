import type { Mnist } from '../../data/index.js';
import { initBackend, releaseBackend } from '../backend.js';
import { adapterName, softwareReason, startedWebGpu } from '../backends/index.js';
import type { EngineOptions, TrainEngine } from '../engine/index.js';
import { combineMetrics } from '../evaluate.js';
import { saveModelSet } from '../model-store.js';
import { FlatParameters } from '../parameters.js';
import { createTask } from '../tasks.js';
import { CnnGpuPass } from './cnn-pass.js';

/**
 * Trains the classifier with the hand-written WebGPU pass (cnn-pass.ts) in the calling thread:
 * the GPU does the work, so no worker is needed, and evaluates it there too. The tfjs model
 * gives the initial weights and, with the pass's weights copied back, saves in today's format.
 */
export async function createCnnGpuEngine(data: Mnist, options: Omit<EngineOptions, 'model'>): Promise<TrainEngine> {
  const backend = await initBackend('webgpu', 'async');
  const gpu = startedWebGpu();
  if (gpu === undefined) throw new Error('webgpu started without a device');
  const { device } = gpu;
  const adapter = { name: adapterName(gpu.adapter), software: softwareReason(gpu.adapter) !== undefined };
  const task = createTask('cnn', data.train, options.seed, { cnn: options.recipe });
  const params = new FlatParameters(task.variables);
  const pass = await CnnGpuPass.create(
    device,
    data.train,
    task.variables.map((variable) => variable.shape),
    await params.read(),
  );
  const syncVariables = async () => params.write(await pass.weights());
  return {
    backend,
    workers: 1,
    adapter,
    setLearningRate(learningRate) {
      pass.learningRate = learningRate;
    },
    async step(indices) {
      // The loss is awaited per step, because the epoch loop wants each step's loss before the
      // next; the log on the GPU would let it be read every few steps instead.
      const { loss, finite } = await pass.loss(pass.step(indices));
      return finite ? loss : NaN;
    },
    async evaluate() {
      const correct = await pass.correct(data.test);
      return combineMetrics([{ kind: 'accuracy', sum: correct, count: data.test.count }]);
    },
    async save(modelsDir, metadata) {
      await syncVariables();
      return saveModelSet(modelsDir, 'cnn', task.parts, metadata);
    },
    async dispose() {
      pass.dispose();
      for (const part of Object.values(task.parts)) part.dispose();
      await releaseBackend();
    },
  };
}
