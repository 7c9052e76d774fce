/** The terminal around the app: its modes, key decoding, exit requests and drawing beside Ink. */
export { openTerminal } from './terminal-session.js';
export { decodeKeys, type Key } from './keys.js';
export { onExitRequests, EXIT_SIGNALS } from './exit-signals.js';
export { createGraphicsOverlay, type GraphicsOverlay, type OverlayImage } from './graphics-overlay.js';
export { probeCellSize, parseCellSize, FALLBACK_CELL_SIZE, type CellSize } from './cell-size.js';
export { NOT_A_TERMINAL, isTerminal } from './not-a-terminal.js';
