/**
 * How this terminal draws digits: sixel, colour half blocks or plain
 * characters (`detectGraphics`), and getting sixel through tmux. The
 * drawing itself is in `src/render`.
 */
export { wrapForTmux } from './tmux.js';
export {
  detectGraphics,
  parseDeviceAttributes,
  DEFAULT_PROBE_TIMEOUT_MS,
  type GraphicsProbe,
} from './detect-graphics.js';
