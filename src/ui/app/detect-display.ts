/**
 * How this terminal draws, asked before Ink starts reading its input:
 * sixel, colour half blocks or plain characters, its colour depth, and the
 * pixel size of a cell for sizing sixel images.
 */
import { colourDepth } from '../../render/index.js';
import type { GraphicsRequest } from '../../render/index.js';
import { detectGraphics, type GraphicsProbe } from '../graphics/index.js';
import type { Display } from '../state/index.js';
import { FALLBACK_CELL_SIZE, probeCellSize } from '../terminal/index.js';
import type { AppIo } from './app-io.js';

/** Asks the terminal how it draws, before Ink starts reading its input. */
export async function detectDisplay(io: AppIo, forced: GraphicsRequest | undefined): Promise<Display> {
  const probe: GraphicsProbe = {
    write: (s) => io.stdout.write(s),
    onData(cb) {
      const listener = (chunk: Buffer | string) => cb(chunk.toString());
      io.stdin.on('data', listener);
      return () => {
        io.stdin.off('data', listener);
        // Hand the stream back paused; Ink reads it through 'readable'.
        io.stdin.pause();
      };
    },
    env: io.env,
    forced,
  };
  const graphics = await detectGraphics(probe);
  const cell = graphics === 'sixel' ? await probeCellSize(probe) : FALLBACK_CELL_SIZE;
  return { graphics, depth: colourDepth(io.env), colour: graphics !== 'ascii', cell, tmux: Boolean(io.env.TMUX) };
}
