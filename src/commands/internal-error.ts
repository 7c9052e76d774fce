import { DEBUG_ENV_VAR } from './help.js';

/**
 * What to say about an error nobody expected: one line, and the stack trace only when
 * `MNIST_TUI_DEBUG=1` asks for it, since a trace means nothing to most users but
 * everything to whoever fixes the bug.
 */
export function internalErrorLines(error: unknown, env: NodeJS.ProcessEnv): string[] {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n', 1)[0] || (error instanceof Error ? error.name : 'unknown error');
  if (env[DEBUG_ENV_VAR] !== '1') return [`internal error: ${firstLine} (${DEBUG_ENV_VAR}=1 shows the stack trace)`];
  const stack = error instanceof Error && error.stack !== undefined ? error.stack : text;
  return [`internal error: ${firstLine}`, ...stack.split('\n')];
}
