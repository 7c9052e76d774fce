/**
 * Recording a latent walk in the app: `r` in Explore starts keeping the cursor's path,
 * `r` again turns the path into an animated GIF (as `mnist-tui walk` writes one) in the
 * folder the app was started from. Progress and errors are one line on the status bar.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { firstLine } from '../../errors.js';
import { DEFAULT_WALK_DELAY_MS, DEFAULT_WALK_SCALE, MAX_RECORDED_FRAMES } from '../../ml/walk-config.js';
import type { LatentPoint } from '../state/index.js';
import type { AppServices, ClassifierHandle, VaeHandle } from './services.js';

export interface WalkRecorder {
  /** Starts recording at `cursor`, or stops and saves what was recorded. */
  toggle(cursor: LatentPoint): void;
  /** The cursor moved: a point of the path while recording. */
  moved(cursor: LatentPoint): void;
}

export interface WalkRecorderOptions {
  services: Pick<AppServices, 'saveWalk'>;
  /** The models loaded now; the GIF is drawn with those loaded when recording stops. */
  models(): { vae?: VaeHandle; classifier?: ClassifierHandle };
  /** Shows one line on the status bar. */
  say(text: string): void;
  /** Where GIFs are written. */
  dir: string;
  /** The clock that names the files. */
  now?: () => Date;
}

/** `walk-20261201-181502.gif`, local time; `-2`, `-3`… when that name is taken, so nothing saved is replaced. */
function walkFileName(dir: string, date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-` +
    `${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
  for (let n = 1; ; n++) {
    const file = path.join(dir, `walk-${stamp}${n === 1 ? '' : `-${n}`}.gif`);
    if (!existsSync(file)) return file;
  }
}

export function createWalkRecorder({
  services,
  models,
  say,
  dir,
  now = () => new Date(),
}: WalkRecorderOptions): WalkRecorder {
  let trail: LatentPoint[] | undefined;
  let saving = false;

  const progress = () =>
    say(`Recording a walk: ${trail!.length} point${trail!.length === 1 ? '' : 's'}; r saves it as a GIF.`);

  async function save(points: LatentPoint[]): Promise<void> {
    const { vae, classifier } = models();
    if (vae === undefined || classifier === undefined) {
      say('Cannot save the walk: it needs a trained VAE and CNN.');
      return;
    }
    // One frame per recorded point, so the GIF moves as the cursor did; a long path is thinned.
    const frames = Math.min(points.length, MAX_RECORDED_FRAMES);
    const file = walkFileName(dir, now());
    saving = true;
    say(`Saving the walk to ${file}…`);
    try {
      const walk = await services.saveWalk({ vae, classifier }, points, file, {
        frames,
        scale: DEFAULT_WALK_SCALE,
        delayMs: DEFAULT_WALK_DELAY_MS,
      });
      say(`Saved the walk to ${file} (${frames} frames, ${Math.ceil(walk.bytes / 1024)} KB).`);
    } catch (error) {
      say(`Cannot save the walk: ${firstLine(error)}`);
    } finally {
      saving = false;
    }
  }

  return {
    toggle(cursor) {
      if (trail === undefined) {
        if (saving) {
          say('The last walk is still being saved.');
          return;
        }
        const { vae, classifier } = models();
        if (vae === undefined || classifier === undefined) {
          say('Recording a walk needs a trained VAE and CNN.');
          return;
        }
        trail = [cursor];
        progress();
        return;
      }
      const points = trail;
      trail = undefined;
      if (points.length < 2) {
        say('Nothing recorded: move the cursor between the two presses of r.');
        return;
      }
      void save(points);
    },
    moved(cursor) {
      if (trail === undefined) return;
      const [x, y] = trail.at(-1)!;
      if (x === cursor[0] && y === cursor[1]) return;
      trail.push(cursor);
      progress();
    },
  };
}
