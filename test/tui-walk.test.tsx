/** The app's walk recording: `r` in Explore, the cursor's path, a GIF decoded back, and the status line. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { decompressFrames, parseGIF } from 'gifuct-js';
import { walkFrameLayout } from '../src/images/index.js';
import { DEFAULT_WALK_SCALE } from '../src/ml/walk-config.js';
import { metadataFor, startApp, unmountAll, waitFor } from './helpers/tui-harness.js';

const TRAINED = { cnn: metadataFor('cnn'), vae: metadataFor('vae') };
const temp = () => mkdtempSync(path.join(tmpdir(), 'mnist-tui-tui-walk-'));

afterEach(unmountAll);

describe('recording a walk in the app', () => {
  it("r in Explore records the cursor's path, r again saves it as a GIF whose frames are the digits drawn on the way", async () => {
    const walkDir = temp();
    // Wide enough for the temporary folder's path on the status bar.
    const { stdin, store, screen, services } = await startApp({ saved: TRAINED, walkDir, columns: 160 });
    stdin.type('3', 'r');
    assert.match(await screen(), /Recording a walk: 1 point; r saves it as a GIF\./);
    stdin.type('l', 'l', 'k');
    assert.match(await screen(), /Recording a walk: 4 points/);
    stdin.type('r');
    await waitFor(() => /Saved the walk/.test(store.getState().message ?? ''), 'the walk saved');
    const [file, ...others] = readdirSync(walkDir);
    assert.equal(others.length, 0, 'one file, no temporary one left');
    assert.match(file!, /^walk-\d{8}-\d{6}\.gif$/);
    const bytes = readFileSync(path.join(walkDir, file!)).length;
    assert.match(
      await screen(),
      new RegExp(`Saved the walk to .*${file!.replace('.', '\\.')} \\(4 frames, ${Math.ceil(bytes / 1024)} KB\\)`),
    );

    const frames = decompressFrames(parseGIF(readFileSync(path.join(walkDir, file!)).buffer), true);
    assert.equal(frames.length, 4, 'one frame per point of the path');
    const layout = walkFrameLayout(DEFAULT_WALK_SCALE);
    // The cursor went (0,0) → (0.1,0) → (0.2,0) → (0.2,0.1): evenly spaced, so each frame sits on one of them.
    const vae = (await services.loadVae())!;
    const path4 = [
      [0, 0],
      [0.1, 0],
      [0.2, 0],
      [0.2, 0.1],
    ];
    frames.forEach((frame, k) => {
      assert.deepEqual([frame.dims.width, frame.dims.height], [layout.width, layout.height]);
      const digit = vae.decode(Float32Array.from(path4[k]!));
      let worst = 0;
      for (let y = 0; y < 28 * DEFAULT_WALK_SCALE; y++) {
        for (let x = 0; x < 28 * DEFAULT_WALK_SCALE; x++) {
          const shown = frame.patch[((layout.digitTop + y) * layout.width + layout.digitLeft + x) * 4]!;
          const expected = Math.round(digit[Math.floor(y / 4) * 28 + Math.floor(x / 4)]! * 255);
          worst = Math.max(worst, Math.abs(shown - expected));
        }
      }
      assert.ok(worst <= 1, `frame ${k} differs from the digit at (${path4[k]}) by ${worst} levels`);
    });
    assert.notDeepEqual(frames[0]!.patch, frames[3]!.patch, 'the digit moves along the path');
    assert.equal(store.getState().quitting, false);
  });

  it('r twice without moving saves nothing and says why', async () => {
    const walkDir = temp();
    const { stdin, store } = await startApp({ saved: TRAINED, walkDir });
    stdin.type('3', 'r', 'r');
    assert.equal(store.getState().message, 'Nothing recorded: move the cursor between the two presses of r.');
    assert.deepEqual(readdirSync(walkDir), []);
  });

  it('without models, r says what is missing', async () => {
    const { stdin, store } = await startApp({ saved: { vae: metadataFor('vae') } });
    stdin.type('3', 'r');
    assert.equal(store.getState().message, 'Recording a walk needs a trained VAE and CNN.');
  });

  it('a folder that cannot be written is one line on the status bar, and the app goes on', async () => {
    const walkDir = path.join(temp(), 'gone');
    const { stdin, store, screen } = await startApp({ saved: TRAINED, walkDir });
    stdin.type('3', 'r', 'l', 'r');
    await waitFor(() => /Cannot save the walk/.test(store.getState().message ?? ''), 'the failure');
    assert.match(store.getState().message!, /^Cannot save the walk: .*gone.*walk-[\d-]+\.gif: cannot write: ENOENT$/);
    assert.match(await screen(), /Cannot save the walk/);
    stdin.type('l');
    assert.equal(store.getState().explorer.cursor[0].toFixed(1), '0.2', 'the explorer still answers');
    assert.equal(store.getState().quitting, false);
  });
});
