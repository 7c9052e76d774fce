/**
 * Chooses how to draw digits: sixel where the terminal says it can, colour
 * half blocks otherwise, plain characters where colour is unwanted. The
 * terminal is asked through injected I/O so tests can play every terminal.
 */
import { GRAPHICS_ENV_VAR, parseGraphicsRequest, type GraphicsMode, type GraphicsRequest } from '../../render/index.js';

/** How long a terminal gets to answer; local terminals reply in a few ms, ssh in tens. */
export const DEFAULT_PROBE_TIMEOUT_MS = 150;

/** Primary Device Attributes request (DA1). */
const DA1_QUERY = '\x1b[c';
/** DA1 reply: `CSI ? Ps ; … c`, where the parameters list the terminal's features. */
const DA1_REPLY = /\x1b\[\?([\d;]*)c/;
/** DA1 feature code for sixel graphics. */
const DA1_SIXEL = 4;

/** The parameters of the first DA1 reply in `input`, or `undefined` if none is complete yet. */
export function parseDeviceAttributes(input: string): number[] | undefined {
  const match = DA1_REPLY.exec(input);
  if (match === null) return undefined;
  return match[1]!
    .split(';')
    .filter((p) => p !== '')
    .map(Number);
}

/** What `detectGraphics` needs from the outside world. */
export interface GraphicsProbe {
  /** Writes to the terminal (stdout). */
  write(s: string): void;
  /**
   * Subscribes to terminal input (stdin, in raw mode and decoded as text, or
   * the reply waits for Enter); returns the unsubscribe function.
   */
  onData(cb: (chunk: string) => void): () => void;
  /** Give up on the terminal's reply after this long; default `DEFAULT_PROBE_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** The process environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The `--graphics` flag, if given; it wins over the environment variable. */
  forced?: GraphicsRequest;
}

/** Whether the user asked for no colour: `TERM=dumb`, or `NO_COLOR` set to anything but empty. */
function wantsPlainText(env: GraphicsProbe['env']): boolean {
  return env.TERM === 'dumb' || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** Asks the terminal for its device attributes; resolves `true` iff they include sixel. */
function probeSixel(io: GraphicsProbe): Promise<boolean> {
  return new Promise((resolve) => {
    let received = '';
    const finish = (sixel: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(sixel);
    };
    // Subscribe before writing: a fast terminal (or a fake one) may answer at once.
    const unsubscribe = io.onData((chunk) => {
      // The reply may arrive in pieces, so look at everything received so far.
      received += chunk;
      const params = parseDeviceAttributes(received);
      if (params !== undefined) finish(params.includes(DA1_SIXEL));
    });
    const timer = setTimeout(() => finish(false), io.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
    io.write(DA1_QUERY);
  });
}

/**
 * Decides the graphics mode: a forced mode (flag, then `MNIST_TUI_GRAPHICS`)
 * if not `auto`; `ascii` for `TERM=dumb` or `NO_COLOR`; else `sixel` if the
 * terminal's DA1 reply lists feature 4 within the timeout, otherwise `blocks`.
 *
 * @throws {GraphicsModeError} when `MNIST_TUI_GRAPHICS` names an unknown mode.
 */
export async function detectGraphics(io: GraphicsProbe): Promise<GraphicsMode> {
  const fromEnv = io.env[GRAPHICS_ENV_VAR];
  const request =
    io.forced ?? (fromEnv !== undefined && fromEnv !== '' ? parseGraphicsRequest(fromEnv, GRAPHICS_ENV_VAR) : 'auto');
  if (request !== 'auto') return request;
  if (wantsPlainText(io.env)) return 'ascii';
  return (await probeSixel(io)) ? 'sixel' : 'blocks';
}
