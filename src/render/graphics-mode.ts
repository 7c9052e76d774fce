/**
 * The ways a digit can be drawn on a terminal, and reading one that a user named: the `--graphics`
 * flag (parsed by the commands) and `MNIST_TUI_GRAPHICS` (read by the app's detection) share it.
 */
import { UserFacingError } from '../errors.js';

/** The three ways this app can draw an image. */
export type GraphicsMode = 'sixel' | 'blocks' | 'ascii';

/** A requested mode: one of the three, or `auto` to detect. */
export type GraphicsRequest = GraphicsMode | 'auto';

/** Environment variable that forces a mode, like the `--graphics` flag. */
export const GRAPHICS_ENV_VAR = 'MNIST_TUI_GRAPHICS';

const REQUESTS: readonly GraphicsRequest[] = ['sixel', 'blocks', 'ascii', 'auto'];

/** A graphics mode named by the user that is not one we know. */
export class GraphicsModeError extends UserFacingError {
  override readonly name = 'GraphicsModeError';
}

/**
 * Reads a mode the user typed. `source` names where it came from for the error.
 *
 * @throws {GraphicsModeError} when `value` is not sixel, blocks, ascii or auto.
 */
export function parseGraphicsRequest(value: string, source: string): GraphicsRequest {
  const request = REQUESTS.find((r) => r === value.toLowerCase());
  if (request === undefined) {
    throw new GraphicsModeError(`${source}: unknown graphics mode "${value}" (expected ${REQUESTS.join(', ')})`);
  }
  return request;
}
