/**
 * xterm SGR (mode 1006) mouse reports, `ESC [ < b ; x ; y M|m`, picked out of
 * a raw input stream. Terminal input arrives in arbitrary chunks, so the
 * parser keeps a report cut short at a chunk's end for the next one, and
 * hands every other byte back untouched for the keyboard handler.
 */

/** What the mouse did. `move` covers both hovering and dragging (see `button`). */
export type MouseKind = 'move' | 'down' | 'up' | 'wheel-up' | 'wheel-down';

/** One mouse report. */
export interface MouseEvent {
  kind: MouseKind;
  /** 0 left, 1 middle, 2 right; `null` for wheel and for motion with no button held. */
  button: 0 | 1 | 2 | null;
  /** 0-based column. */
  x: number;
  /** 0-based row. */
  y: number;
  shift: boolean;
  alt: boolean;
  ctrl: boolean;
}

/** What one `push` yields. */
export interface MouseParseResult {
  /** The mouse reports completed by this chunk, in order. */
  events: MouseEvent[];
  /** All other input, in order, to forward to the keyboard handler. */
  rest: string;
}

/** A stateful tokenizer over terminal input; see `createMouseParser`. */
export interface MouseParser {
  /** Feeds the next chunk of input. */
  push(chunk: string): MouseParseResult;
  /**
   * Returns and forgets input held back as a possible report start. A lone
   * Escape key press looks like one until more input comes, so call this
   * when input has been idle briefly rather than delaying the key.
   */
  flush(): string;
}

/** Any-motion tracking (1003) reported in SGR form (1006). */
export const MOUSE_ON = '\x1b[?1003h\x1b[?1006h';
/** Undoes `MOUSE_ON`, in reverse order. */
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1003l';

const ESC = '\x1b';
const REPORT_PREFIX = `${ESC}[<`;
/** Longer numbers are no real report; refusing them stops junk being held back for good. */
const MAX_PARAM_DIGITS = 5;

/** Bits of the report's button code. */
const BUTTON_MASK = 0b11;
const NO_BUTTON = 3;
const SHIFT_BIT = 4;
const ALT_BIT = 8;
const CTRL_BIT = 16;
const MOTION_BIT = 32;
const WHEEL_BIT = 64;
/** Buttons 8–11 (back/forward); nothing here uses them. */
const EXTRA_BUTTON_BIT = 128;

/** Result of looking for a report at one position. */
type Scan =
  { found: 'report'; length: number; event: MouseEvent | undefined } | { found: 'partial' } | { found: 'none' };

const PARTIAL: Scan = { found: 'partial' };
const NONE: Scan = { found: 'none' };

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Turns a complete report into an event, or `undefined` for buttons and wheels this app ignores. */
function toEvent(code: number, column: number, row: number, released: boolean): MouseEvent | undefined {
  const base = {
    x: Math.max(0, column - 1),
    y: Math.max(0, row - 1),
    shift: (code & SHIFT_BIT) !== 0,
    alt: (code & ALT_BIT) !== 0,
    ctrl: (code & CTRL_BIT) !== 0,
  };
  const low = code & BUTTON_MASK;
  if ((code & EXTRA_BUTTON_BIT) !== 0) return undefined;
  if ((code & WHEEL_BIT) !== 0) {
    // Low bits 2 and 3 are the horizontal wheel, which has no use here.
    if (low > 1) return undefined;
    return { ...base, kind: low === 0 ? 'wheel-up' : 'wheel-down', button: null };
  }
  const button = low === NO_BUTTON ? null : (low as 0 | 1 | 2);
  if ((code & MOTION_BIT) !== 0) return { ...base, kind: 'move', button };
  return { ...base, kind: released ? 'up' : 'down', button };
}

/** Looks for a report starting at `start` (an ESC) in `s`. */
function scanReport(s: string, start: number): Scan {
  let i = start;
  for (const expected of REPORT_PREFIX) {
    if (i >= s.length) return PARTIAL;
    if (s[i] !== expected) return NONE;
    i++;
  }
  const params: number[] = [];
  for (let p = 0; p < 3; p++) {
    const digitsStart = i;
    while (i < s.length && isDigit(s[i]!)) {
      if (i - digitsStart >= MAX_PARAM_DIGITS) return NONE;
      i++;
    }
    if (i >= s.length) return PARTIAL;
    if (i === digitsStart) return NONE;
    params.push(Number(s.slice(digitsStart, i)));
    const terminator = s[i]!;
    const isLast = p === 2;
    if (isLast ? terminator !== 'M' && terminator !== 'm' : terminator !== ';') return NONE;
    i++;
  }
  const [code, column, row] = params as [number, number, number];
  return { found: 'report', length: i - start, event: toEvent(code, column, row, s[i - 1] === 'm') };
}

/** Creates a parser with nothing held back. */
export function createMouseParser(): MouseParser {
  let pending = '';
  return {
    push(chunk) {
      const data = pending + chunk;
      pending = '';
      const events: MouseEvent[] = [];
      let rest = '';
      let i = 0;
      while (i < data.length) {
        const esc = data.indexOf(ESC, i);
        if (esc === -1) {
          rest += data.slice(i);
          break;
        }
        rest += data.slice(i, esc);
        const scan = scanReport(data, esc);
        if (scan.found === 'partial') {
          pending = data.slice(esc);
          break;
        }
        if (scan.found === 'none') {
          rest += ESC;
          i = esc + 1;
          continue;
        }
        if (scan.event !== undefined) events.push(scan.event);
        i = esc + scan.length;
      }
      return { events, rest };
    },
    flush() {
      const held = pending;
      pending = '';
      return held;
    },
  };
}
