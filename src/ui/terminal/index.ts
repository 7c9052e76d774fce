/** The terminal around the app: its modes, key decoding, exit requests and drawing beside Ink. */
export { openTerminal, type TerminalSession, type TerminalStreams } from './terminal-session.js';
export { decodeKeys, type Key, type KeyName } from './keys.js';
export { onExitRequests, EXIT_SIGNALS, type ExitSignal, type ExitHandlers } from './exit-signals.js';
export {
  createGraphicsOverlay,
  type GraphicsOverlay,
  type OverlayImage,
  type OverlayCells,
} from './graphics-overlay.js';
export { probeCellSize, parseCellSize, FALLBACK_CELL_SIZE, type CellSize } from './cell-size.js';
export { NOT_A_TERMINAL, isTerminal } from './not-a-terminal.js';
