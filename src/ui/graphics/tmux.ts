/**
 * tmux swallows escape sequences it does not understand, sixel among them,
 * unless they are sent through its passthrough DCS.
 */

const ESC = '\x1b';

/**
 * Wraps `seq` for tmux passthrough: `ESC P tmux;` + `seq` with every ESC
 * doubled + `ESC \`. Needs `set -g allow-passthrough on` in tmux ≥ 3.3.
 */
export function wrapForTmux(seq: string): string {
  return `${ESC}Ptmux;${seq.replaceAll(ESC, ESC + ESC)}${ESC}\\`;
}
