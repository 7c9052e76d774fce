/**
 * The terminal modes the app changes, and putting every one of them back.
 * Restoring is idempotent and synchronous so it can run from any exit path:
 * a normal quit, a signal, a crash, or the process's `exit` event.
 */
import { SGR_RESET } from '../../render/index.js';
import { MOUSE_OFF, MOUSE_ON } from '../input/index.js';

const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';
const CLEAR_AND_HOME = '\x1b[2J\x1b[H';

/** The two ends of the terminal the session drives. */
export interface TerminalStreams {
  stdin: Pick<NodeJS.ReadStream, 'isTTY' | 'setRawMode'>;
  stdout: Pick<NodeJS.WriteStream, 'write' | 'writable'>;
}

/** An open full-screen session; see `openTerminal`. */
export interface TerminalSession {
  /** Starts SGR mouse reports (any motion). */
  enableMouse(): void;
  /** Blanks the screen and homes the cursor, before a full redraw. */
  clear(): void;
  /** Puts every mode back; safe to call more than once. */
  restore(): void;
}

/** Switches to the alternate screen with the cursor hidden and the keyboard in raw mode. */
export function openTerminal({ stdin, stdout }: TerminalStreams): TerminalSession {
  let open = true;
  let mouse = false;
  // After a hang-up the terminal is gone; writing then would only raise EIO.
  const write = (s: string) => {
    if (stdout.writable) stdout.write(s);
  };
  stdin.setRawMode(true);
  write(ALT_SCREEN_ON + CLEAR_AND_HOME + CURSOR_HIDE);
  return {
    enableMouse() {
      if (!open || mouse) return;
      mouse = true;
      write(MOUSE_ON);
    },
    clear() {
      if (open) write(CLEAR_AND_HOME);
    },
    restore() {
      if (!open) return;
      open = false;
      // Resets colours too, so a crash mid-frame does not leave the shell painted.
      write((mouse ? MOUSE_OFF : '') + SGR_RESET + CURSOR_SHOW + ALT_SCREEN_OFF);
      if (stdin.isTTY) stdin.setRawMode(false);
    },
  };
}
