/**
 * Key presses out of raw terminal input. Ink parses keys too, but only for
 * input it has seen whole; the app first takes mouse reports out of the
 * stream (see `createMouseParser`), so it decodes what is left itself.
 */

/** Keys the app tells apart; everything printable arrives as `char`. */
export type KeyName = 'up' | 'down' | 'left' | 'right' | 'tab' | 'backtab' | 'escape' | 'return' | 'backspace' | 'char';

/** One key press. */
export interface Key {
  name: KeyName;
  /** The character typed, for `char` keys; empty otherwise. */
  char: string;
  /** Shift held with an arrow key; capital letters arrive as themselves in `char`. */
  shift: boolean;
  /** Ctrl held: Ctrl-C arrives as `{name: 'char', char: 'c', ctrl: true}`. */
  ctrl: boolean;
}

const ESC = '\x1b';
/** CSI or SS3 introducer, parameters, final byte: arrows come as `ESC [ A`, `ESC [ 1 ; 2 A` or `ESC O A`. */
const SEQUENCE = /^\x1b(?:\[([\x30-\x3f]*)[\x20-\x2f]*([\x40-\x7e])|O([\x40-\x7e]))/;
const ARROWS: Record<string, KeyName> = { A: 'up', B: 'down', C: 'right', D: 'left' };
/** rxvt sends Shift+arrow as `ESC [ a` … `ESC [ d`. */
const RXVT_SHIFT_ARROWS: Record<string, KeyName> = { a: 'up', b: 'down', c: 'right', d: 'left' };
/** xterm's modifier parameter is 1 + a bit mask in which Shift is bit 0 and Ctrl bit 2. */
const SHIFT_MASK = 1;
const CTRL_MASK = 4;
/** Ctrl plus a letter arrives as the letter's position in the alphabet. */
const CTRL_A = 1;
const CTRL_Z = 26;
const DELETE = '\x7f';

function key(name: KeyName, char = '', shift = false, ctrl = false): Key {
  return { name, char, shift, ctrl };
}

/** The key an escape sequence stands for, or `undefined` for those the app has no use for. */
function decodeSequence(params: string, final: string): Key | undefined {
  if (final === 'Z') return key('backtab', '', true);
  const modifier = Number(params.split(';')[1] ?? '1') - 1;
  const arrow = ARROWS[final];
  if (arrow !== undefined) return key(arrow, '', (modifier & SHIFT_MASK) !== 0, (modifier & CTRL_MASK) !== 0);
  const rxvt = RXVT_SHIFT_ARROWS[final];
  return rxvt === undefined || params !== '' ? undefined : key(rxvt, '', true);
}

function decodeChar(c: string): Key {
  if (c === '\t') return key('tab');
  if (c === '\r' || c === '\n') return key('return');
  if (c === DELETE || c === '\b') return key('backspace');
  const code = c.codePointAt(0)!;
  if (code >= CTRL_A && code <= CTRL_Z) return key('char', String.fromCharCode(code + 96), false, true);
  return key('char', c);
}

/**
 * Splits `input` into key presses. Escape sequences the app does not use
 * (function keys, terminal replies that arrive late) are dropped; a lone ESC,
 * or ESC before a character that starts no sequence, is the Escape key (an
 * Alt+key chord reads as Escape and then the key).
 */
export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    if (input[i] === ESC) {
      const match = SEQUENCE.exec(input.slice(i));
      if (match !== null) {
        const decoded = decodeSequence(match[1] ?? '', match[2] ?? match[3]!);
        if (decoded !== undefined) keys.push(decoded);
        i += match[0].length;
        continue;
      }
      keys.push(key('escape'));
      i += 1;
      continue;
    }
    const c = String.fromCodePoint(input.codePointAt(i)!);
    keys.push(decodeChar(c));
    i += c.length;
  }
  return keys;
}
