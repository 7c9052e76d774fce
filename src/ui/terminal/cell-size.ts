/**
 * How many pixels a character cell has, so a sixel image can be sized to
 * the cells reserved for it. Terminals report it to `CSI 16 t`; many (xterm
 * by default) stay silent, and then a small cell is assumed, because an
 * image drawn too small is only small while one drawn too large covers text.
 */
import { DEFAULT_PROBE_TIMEOUT_MS, type GraphicsProbe } from '../graphics/index.js';

/** A cell's size in pixels. */
export interface CellSize {
  width: number;
  height: number;
}

/** Assumed when the terminal does not answer: smaller than nearly every font in use. */
export const FALLBACK_CELL_SIZE: CellSize = { width: 6, height: 12 };

const CELL_SIZE_QUERY = '\x1b[16t';
/** Reply: `CSI 6 ; height ; width t`. */
const CELL_SIZE_REPLY = /\x1b\[6;(\d+);(\d+)t/;

/** The cell size in the first complete reply in `input`, or `undefined`. */
export function parseCellSize(input: string): CellSize | undefined {
  const match = CELL_SIZE_REPLY.exec(input);
  if (match === null) return undefined;
  const size = { height: Number(match[1]), width: Number(match[2]) };
  return size.width > 0 && size.height > 0 ? size : undefined;
}

/** Asks the terminal for its cell size; `FALLBACK_CELL_SIZE` if it does not answer in time. */
export function probeCellSize(io: Pick<GraphicsProbe, 'write' | 'onData' | 'timeoutMs'>): Promise<CellSize> {
  return new Promise((resolve) => {
    let received = '';
    const finish = (size: CellSize) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(size);
    };
    const unsubscribe = io.onData((chunk) => {
      received += chunk;
      const size = parseCellSize(received);
      if (size !== undefined) finish(size);
    });
    const timer = setTimeout(() => finish(FALLBACK_CELL_SIZE), io.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
    io.write(CELL_SIZE_QUERY);
  });
}
