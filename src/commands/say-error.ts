import { UserFacingError } from '../errors.js';
import { UsageError } from './flags.js';
import { usageHint } from './help.js';
import { internalErrorLines } from './internal-error.js';
import type { CommandIo } from './io.js';

/**
 * Says an error as every command does and returns its exit code: one line on stderr starting
 * `mnist-tui:` (a usage mistake ends with where to read `command`'s help), or with --json an
 * `error` event on stdout. An unexpected error is an internal error, with its stack trace only
 * where MNIST_TUI_DEBUG=1 asks. 2 for a usage mistake, 1 for anything else.
 */
export function sayError(
  io: Pick<CommandIo, 'out' | 'err'>,
  error: unknown,
  json: boolean,
  command: string | undefined,
): number {
  const [message, ...stack] =
    error instanceof UserFacingError ? [error.message] : internalErrorLines(error, process.env);
  if (json) io.out(JSON.stringify({ event: 'error', message }));
  else io.err(`mnist-tui: ${message}${error instanceof UsageError ? `; ${usageHint(command)}` : ''}`);
  stack.forEach((line) => io.err(line));
  return error instanceof UsageError ? 2 : 1;
}
