#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseInvocation } from './commands/argv.js';
import { UsageError } from './commands/flags.js';
import { internalErrorLines } from './commands/internal-error.js';
import { sayError } from './commands/say-error.js';

const io = {
  out: (line: string) => process.stdout.write(line + '\n'),
  err: (line: string) => process.stderr.write(line + '\n'),
  status: (text: string) => process.stderr.isTTY && process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
};

/** Ends the process over an error nobody expected: one line (the stack only on request), exit code 1. */
function crash(error: unknown): never {
  internalErrorLines(error, process.env).forEach((line, i) => io.err(i === 0 ? `mnist-tui: ${line}` : line));
  process.exit(1);
}

/**
 * For the headless commands: a reader that stops reading (`| head -1`) ends the command
 * quietly with the exit code so far (0 unless it had failed), as it would a C program
 * killed by SIGPIPE; a closed stderr only loses diagnostics. Anything else uncaught is an
 * internal error. The app installs its own handlers instead, so it can restore the terminal.
 */
function guardHeadless(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') crash(error);
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.exit(1);
  });
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

const argv = process.argv.slice(2);
try {
  const invocation = parseInvocation(argv, { workers: availableParallelism() });
  if (invocation.kind !== 'app') guardHeadless();
  if (invocation.kind === 'help') {
    io.out(invocation.text);
  } else if (invocation.kind === 'version') {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    io.out(String(version));
  } else if (invocation.kind === 'app') {
    const { isTerminal, NOT_A_TERMINAL } = await import('./ui/terminal/index.js');
    if (!isTerminal(process.stdin, process.stdout)) {
      io.err(NOT_A_TERMINAL);
      process.exitCode = 2;
    } else {
      // React's development build records every render for its profiler, which costs the
      // app most of a frame; it must be chosen before React is first imported.
      process.env.NODE_ENV ??= 'production';
      // Imported only here, so --help and the headless commands never load Ink or the app.
      const { runApp } = await import('./ui/index.js');
      process.exitCode = await runApp(invocation.config, { graphics: invocation.graphics });
    }
  } else {
    const { runCommand } = await import('./commands/index.js');
    const { command, args, config, options } = invocation;
    process.exitCode = await runCommand(command, args, config, { ...options, io });
  }
} catch (error) {
  if (!(error instanceof UsageError)) crash(error);
  // The first argument names the command in all but odd orders; the hint is only a pointer.
  process.exitCode = sayError(io, error, argv.includes('--json'), argv[0]);
}
