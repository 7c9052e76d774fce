/**
 * Graphics drawn over Ink's frames. Ink keeps only colour codes in
 * `<Text>`, so sixel images cannot go through it; and it re-parses every
 * character of every coloured line on each frame, too slow for a map and a
 * digit redrawn on each cursor move. So views leave blank boxes, and these
 * images are written at those cells, appended to each frame in the same
 * write: inside Ink's synchronized-update bracket where the terminal has
 * one, which keeps them from flickering.
 */
import { SGR_RESET } from '../../render/index.js';

/** Where an image sits: 0-based screen row and column of its top-left cell, and its size in cells. */
export interface OverlayCells {
  row: number;
  col: number;
  columns: number;
  rows: number;
}

/** Lines of text (colour codes allowed), or a sixel escape sequence (already wrapped for tmux where needed). */
export type OverlayImage = OverlayCells & ({ kind: 'text'; lines: string[] } | { kind: 'sixel'; sequence: string });

/** See `createGraphicsOverlay`. */
export interface GraphicsOverlay {
  /** The stream to render Ink into. */
  stdout: NodeJS.WriteStream;
  /**
   * Sets the images the screen should show from now on. Call it before the
   * frame that goes with them is written (during render): that frame then
   * carries them. If no frame follows, they are drawn on their own.
   */
  show(images: OverlayImage[]): void;
}

/** Longer than one frame at Ink's frame rate, so a throttled frame is waited for. */
const FRAME_GRACE_MS = 20;
const SAVE_CURSOR = '\x1b7';
const RESTORE_CURSOR = '\x1b8';

const moveTo = (row: number, col: number) => `\x1b[${row + 1};${col + 1}H`;

function sameCells(a: OverlayCells, b: OverlayCells): boolean {
  return a.row === b.row && a.col === b.col && a.columns === b.columns && a.rows === b.rows;
}

function sameImage(a: OverlayImage, b: OverlayImage): boolean {
  if (a === b) return true;
  if (!sameCells(a, b)) return false;
  if (a.kind === 'sixel') return b.kind === 'sixel' && a.sequence === b.sequence;
  return b.kind === 'text' && a.lines.length === b.lines.length && a.lines.every((line, i) => line === b.lines[i]);
}

function sameImages(a: OverlayImage[], b: OverlayImage[]): boolean {
  return a.length === b.length && a.every((image, i) => sameImage(image, b[i]!));
}

/** Erases the cells, which also removes sixel pixels there. */
function erase(cells: OverlayCells): string {
  let out = SGR_RESET;
  for (let r = 0; r < cells.rows; r++) out += moveTo(cells.row + r, cells.col) + `\x1b[${cells.columns}X`;
  return out;
}

function draw(image: OverlayImage): string {
  if (image.kind === 'sixel') return moveTo(image.row, image.col) + image.sequence;
  return image.lines.map((line, r) => moveTo(image.row + r, image.col) + line).join('') + SGR_RESET;
}

/**
 * Wraps `stdout` for Ink. Ink writes each frame in one `write`, and only
 * frames hold line breaks; cursor and synchronization codes pass through.
 * `schedule` runs the check for images no frame carried; by default it
 * waits out Ink's frame throttle, so nothing is drawn twice.
 */
export function createGraphicsOverlay(
  stdout: NodeJS.WriteStream,
  schedule: (task: () => void) => void = (task) => setTimeout(task, FRAME_GRACE_MS),
): GraphicsOverlay {
  let wanted: OverlayImage[] = [];
  let drawn: OverlayImage[] = [];
  let checkPending = false;

  /** What brings the screen from `drawn` to `wanted` around `frame`, which may have painted over any of it. */
  const update = (frame: string) => {
    const stale = drawn.filter((old) => !wanted.some((image) => sameCells(image, old)));
    drawn = wanted;
    if (stale.length === 0 && wanted.length === 0) return frame;
    return (
      SAVE_CURSOR +
      stale.map(erase).join('') +
      RESTORE_CURSOR +
      frame +
      SAVE_CURSOR +
      wanted.map(draw).join('') +
      RESTORE_CURSOR
    );
  };

  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const frame = typeof chunk === 'string' && chunk.includes('\n') ? update(chunk) : chunk;
    return (stdout.write as (...args: unknown[]) => boolean)(frame, ...rest);
  };

  const stream = new Proxy(stdout, {
    get(target, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  return {
    stdout: stream,
    show(images) {
      wanted = images;
      if (sameImages(wanted, drawn) || checkPending) return;
      checkPending = true;
      schedule(() => {
        checkPending = false;
        if (!sameImages(wanted, drawn) && stdout.writable) stdout.write(update(''));
      });
    },
  };
}
