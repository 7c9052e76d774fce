import { firstLine } from '../errors.js';
import { DEBUG_ENV_VAR } from './help.js';

/**
 * What to say about an error nobody expected: one line, and the stack trace only when
 * `MNIST_TUI_DEBUG=1` asks for it, since a trace means nothing to most users but
 * everything to whoever fixes the bug.
 */
export function internalErrorLines(error: unknown, env: NodeJS.ProcessEnv): string[] {
  // An error with no message is named by its class.
  const what = firstLine(error) || (error instanceof Error ? error.name : 'unknown error');
  if (env[DEBUG_ENV_VAR] !== '1') return [`internal error: ${what} (${DEBUG_ENV_VAR}=1 shows the stack trace)`];
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return [`internal error: ${what}`, ...stack.split('\n')];
}
