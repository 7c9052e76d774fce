import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runEpochLoop, TrainingError, type EpochDone } from '../src/ml/epoch-loop.js';
import type { TrainEngine } from '../src/ml/engine/index.js';
import { learningRateAt } from '../src/ml/tasks.js';

/** One call the loop made on the engine. */
interface Call {
  indices: number[];
  /** The epoch the loop passed, which keys the VAE's noise. */
  epoch: number;
  learningRate: number;
}

/**
 * An engine that records what the loop asks of it; a step's loss is the mean of its indices,
 * or NaN from the `nanAt`-th call (counting from 0) on.
 */
function recordingEngine(nanAt = Infinity): { engine: TrainEngine; calls: Call[] } {
  const calls: Call[] = [];
  let learningRate = NaN;
  const engine: TrainEngine = {
    backend: 'fake',
    workers: 1,
    setLearningRate: (rate) => void (learningRate = rate),
    async step(indices, epoch) {
      calls.push({ indices: [...indices], epoch, learningRate });
      return calls.length - 1 >= nanAt ? NaN : indices.reduce((s, i) => s + i, 0) / indices.length;
    },
    evaluate: () => Promise.reject(new Error('the loop itself never evaluates')),
    save: () => Promise.reject(new Error('the loop itself never saves')),
    dispose: () => Promise.resolve(),
  };
  return { engine, calls };
}

const PLAN = { model: 'cnn' as const, epochs: 3, batchSize: 4, seed: 9, trainImages: 10 };

describe('the epoch loop', () => {
  it('steps every image once per epoch, in seeded batches, on the model schedule', async () => {
    const { engine, calls } = recordingEngine();
    const epochs: EpochDone[] = [];
    let clock = 0;
    const end = await runEpochLoop(engine, PLAN, {
      now: () => (clock += 250),
      afterEpoch: (done) => void epochs.push(done),
    });
    assert.deepEqual(end, { epochs: 3 });
    assert.deepEqual(
      calls.map((c) => c.epoch),
      [1, 1, 1, 2, 2, 2, 3, 3, 3],
      'three batches (4, 4, 2) per epoch, each told its epoch',
    );
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen = calls.slice(epoch * 3, epoch * 3 + 3).flatMap((c) => c.indices);
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      // The mean over the epoch's images, weighting the short batch by its size.
      assert.equal(epochs[epoch].loss, 4.5);
      assert.equal(epochs[epoch].seen, 10);
    }
    const orders = [0, 3, 6].map((i) => calls[i].indices.join());
    assert.equal(new Set(orders).size, 3, 'each epoch has its own order');
    // Steps are counted across epochs for the schedule.
    for (const [step, { epoch, learningRate }] of calls.entries()) {
      assert.equal(learningRate, learningRateAt('cnn', { epoch, step, totalSteps: 9 }));
    }
    // The clock is read at each epoch's start and end: 250 ms apart.
    assert.deepEqual(
      epochs.map((e) => e.seconds),
      [0.25, 0.25, 0.25],
    );

    const again = recordingEngine();
    await runEpochLoop(again.engine, PLAN);
    assert.deepEqual(again.calls, calls, 'the same seed repeats the run');
  });

  it('passes a peak learning rate through, and reports every batch in order', async () => {
    const { engine, calls } = recordingEngine();
    const batches: string[] = [];
    await runEpochLoop(
      engine,
      { ...PLAN, epochs: 1, learningRate: 0.5 },
      {
        afterBatch: ({ epoch, batch, batchesPerEpoch, step, seen, images }) =>
          void batches.push(`${epoch}.${batch}/${batchesPerEpoch} step ${step} seen ${seen} of ${images}`),
      },
    );
    assert.deepEqual(batches, ['1.1/3 step 1 seen 4 of 4', '1.2/3 step 2 seen 8 of 4', '1.3/3 step 3 seen 10 of 2']);
    assert.equal(calls[1].learningRate, learningRateAt('cnn', { epoch: 1, step: 1, totalSteps: 3 }, 0.5));
  });

  it('stops before the next batch once aborted, and waits on the gate before each', async () => {
    const { engine, calls } = recordingEngine();
    const controller = new AbortController();
    let gates = 0;
    const end = await runEpochLoop(engine, PLAN, {
      signal: controller.signal,
      gate: async () => void (gates += 1),
      afterBatch: ({ batch }) => void (batch === 2 && controller.abort()),
    });
    assert.deepEqual(end, { epochs: 0, stopped: 'cancelled' });
    assert.equal(calls.length, 2);
    assert.equal(gates, 3, 'the third gate is passed, then the abort is seen');
  });

  it('finishes the epoch an abort came after its last batch, then stops', async () => {
    const { engine, calls } = recordingEngine();
    const controller = new AbortController();
    const end = await runEpochLoop(engine, PLAN, {
      signal: controller.signal,
      afterEpoch: () => controller.abort(),
    });
    assert.deepEqual(end, { epochs: 1, stopped: 'cancelled' });
    assert.equal(calls.length, 3);
  });

  it('throws TrainingError naming the epoch and batch where the loss stopped being finite', async () => {
    const { engine } = recordingEngine(4);
    const epochs: number[] = [];
    await assert.rejects(
      runEpochLoop(engine, PLAN, { afterEpoch: ({ epoch }) => void epochs.push(epoch) }),
      (error: unknown) =>
        error instanceof TrainingError &&
        error.message ===
          'cnn: training diverged (loss or gradients became NaN or infinite) in epoch 2, batch 2; ' +
            'the model of epoch 1 is kept',
    );
    assert.deepEqual(epochs, [1]);
  });
});
