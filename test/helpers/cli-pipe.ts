import { spawn } from 'node:child_process';
import { CLI, collect, type CliResult } from './cli.js';

/**
 * Runs the CLI with its stderr on an operating-system pipe, as a shell's `|` or a terminal
 * gives it, rather than the socket Node's own `spawn` makes: the CLI treats the two apart
 * (see src/ml/backends/native-stderr.ts). A shell in between puts the pipe there and passes
 * the CLI's exit code through (pipefail: `cat` itself exits 0).
 */
export function runCliOnPipe(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const script = 'set -o pipefail; { "$0" "$@" 2>&1 1>&3 3>&- | cat >&2; } 3>&1';
  const child = spawn('bash', ['-c', script, process.execPath, CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child);
}
