/**
 * Drawing digits in a terminal: pick a mode (`detectGraphics`, `colourDepth`),
 * then render with sixel, colour half blocks or plain characters.
 */
export { upscale, type DigitImage } from './digit-image.js';
export { renderHalfBlocks, grayTo256, type ColourDepth, type HalfBlockOptions } from './half-blocks.js';
export { renderAscii } from './ascii.js';
export { encodeSixel, SIXEL_GRAY_LEVELS } from './sixel.js';
export { wrapForTmux } from './tmux.js';
export { colourDepth } from './colour-depth.js';
export {
  detectGraphics,
  parseGraphicsRequest,
  parseDeviceAttributes,
  GraphicsModeError,
  GRAPHICS_ENV_VAR,
  DEFAULT_PROBE_TIMEOUT_MS,
  type GraphicsMode,
  type GraphicsRequest,
  type GraphicsProbe,
} from './detect-graphics.js';
