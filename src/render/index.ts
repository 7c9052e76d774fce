/**
 * A digit drawn for a terminal: sixel pixels, colour half blocks or plain
 * characters, at the colour depth the terminal supports. Shared by the
 * headless `generate` command and the app; knows nothing of either.
 */
export { upscale, type DigitImage } from './digit-image.js';
export { renderHalfBlocks, grayTo256, type ColourDepth } from './half-blocks.js';
export { renderAscii } from './ascii.js';
export { encodeSixel, SIXEL_GRAY_LEVELS } from './sixel.js';
export { colourDepth } from './colour-depth.js';
export { SGR_RESET } from './sgr.js';
export {
  parseGraphicsRequest,
  GraphicsModeError,
  GRAPHICS_ENV_VAR,
  type GraphicsMode,
  type GraphicsRequest,
} from './graphics-mode.js';
