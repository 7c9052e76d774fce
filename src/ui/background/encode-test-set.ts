/**
 * The test set encoded by the VAE, for the latent map. It runs on the UI
 * thread, so it goes slice by slice and lets input through between slices.
 */
import { unitView, type Mnist } from '../../data/index.js';
import type { VaeHandle } from './services.js';
import type { Store } from '../state/index.js';
import { firstLine } from '../../errors.js';
import { createSliceSizer } from './slice-sizer.js';

/** Test images of the first slice; later ones are sized to the slice budget, up to MAX_SLICE. */
const FIRST_SLICE = 25;
const MAX_SLICE = 500;
/** The map is redrawn with new points at most this often while it fills in, since each redraw costs a frame. */
const REPORT_MS = 150;

const yieldToInput = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface EncodeOptions {
  data: Promise<Mnist>;
  model: VaeHandle;
  /** False once another VAE (or none, when quitting) has taken over the map: the work stops. */
  isCurrent: () => boolean;
  store: Store;
}

/**
 * Encodes the test set into the store. The first map fills in as it goes; a
 * map already shown (a VAE retrained, epoch by epoch) stays until the new one
 * is whole. Encodings that came with the model are used as they are. Failures become a
 * status message.
 */
export async function encodeTestSet({ data, model, isCurrent, store }: EncodeOptions): Promise<void> {
  const { dispatch } = store;
  try {
    const { test } = await data;
    if (!isCurrent()) return;
    const progressive = store.getState().explorer.total !== test.count;
    if (progressive) dispatch({ type: 'points-reset', labels: test.labels.slice(0, test.count) });
    if (model.testEncodings?.length === test.count * 2) {
      // The shipped VAE came with its map of this test set: it is drawn whole, at once.
      dispatch({ type: 'points-encoded', start: 0, mu: model.testEncodings });
      return;
    }
    const mu = new Float32Array(test.count * 2); // [count, 2]
    let reported = 0;
    let lastReport = performance.now();
    const sizer = createSliceSizer(FIRST_SLICE, MAX_SLICE);
    for (let start = 0; start < test.count;) {
      if (!isCurrent()) return;
      const size = Math.min(sizer.size, test.count - start);
      sizer.run(() => mu.set(model.encode(unitView(test, start, size)), start * 2));
      const end = start + size;
      start = end;
      if (end === test.count) {
        dispatch({ type: 'points-encoded', start: reported, mu: mu.subarray(reported * 2, end * 2) });
      } else if (progressive && performance.now() - lastReport >= REPORT_MS) {
        store.post({ type: 'points-encoded', start: reported, mu: mu.subarray(reported * 2, end * 2) });
        reported = end;
        lastReport = performance.now();
      }
      await yieldToInput();
    }
  } catch (error) {
    dispatch({ type: 'message', text: `cannot draw the latent map: ${firstLine(error)}` });
  }
}
