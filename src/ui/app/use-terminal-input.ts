import { useStdin } from 'ink';
import { useEffect } from 'react';
import { createMouseParser, type MouseEvent } from '../input/index.js';
import { decodeKeys, type Key } from '../terminal/index.js';

/**
 * How long a lone ESC (or the start of a mouse report cut off at a read's
 * end) waits for the rest before it counts as the Escape key. Ink has then
 * already waited a tick; this covers reports split across network packets.
 */
export const ESCAPE_WAIT_MS = 25;

/**
 * Keys and mouse reports from Ink's own input stream. Ink reads stdin and
 * splits it into key sequences; SGR mouse reports pass through it as
 * sequences (or, when split across reads, as fragments), so they are taken
 * out here before what remains is decoded as keys. `onInput` gets each
 * read's keys and mouse events together, so a burst can update state once.
 */
export function useTerminalInput(onInput: (keys: Key[], mouse: MouseEvent[]) => void): void {
  const { internal_eventEmitter: emitter, setRawMode, isRawModeSupported } = useStdin();

  useEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isRawModeSupported, setRawMode]);

  useEffect(() => {
    const parser = createMouseParser();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const held = parser.flush();
      if (held !== '') onInput(decodeKeys(held), []);
    };
    const handle = (chunk: string) => {
      clearTimeout(timer);
      const { events, rest } = parser.push(chunk);
      const keys = decodeKeys(rest);
      if (keys.length > 0 || events.length > 0) onInput(keys, events);
      timer = setTimeout(flush, ESCAPE_WAIT_MS);
    };
    emitter.on('input', handle);
    return () => {
      clearTimeout(timer);
      emitter.off('input', handle);
    };
  }, [emitter, onInput]);
}
