import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AUTO_PROBE_SCRIPT } from '../auto-probe-script.js';
import type { MachineProbe } from './auto-choice.js';

/** Long enough for Node to start, Dawn to enumerate, and both backends to time a few steps. */
const MEASURE_TIMEOUT_MS = 120_000;
const FIND_TIMEOUT_MS = 20_000;

/**
 * Asks a child process what adapter Dawn finds here and, with `measure`, how fast each backend
 * trains on it (see ../auto-probe-child.ts). The child's stderr, where Dawn prints its warnings, is
 * read here and never reaches the terminal. Never throws: what went wrong is the probe's
 * `failure`.
 */
export function probeMachine(measure: boolean): Promise<MachineProbe> {
  const script = fileURLToPath(AUTO_PROBE_SCRIPT);
  const args = [script, ...(measure ? ['--measure'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: measure ? MEASURE_TIMEOUT_MS : FIND_TIMEOUT_MS,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', (error) => resolve({ failure: `the adapter probe could not start: ${error.message}` }));
    child.on('close', (code, signal) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as MachineProbe);
      } catch {
        // No JSON means the child died (a driver crash, the timeout): say how, in one line.
        const how = signal !== null ? `was stopped by ${signal}` : `exited with code ${code}`;
        const why = lastProblem(err);
        resolve({ failure: `the adapter probe ${how}${why === undefined ? '' : `: ${why}`}` });
      }
    });
  });
}

/** The last stderr line that is not one of Dawn's warnings, which say nothing about a crash. */
function lastProblem(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Warning:'))
    .at(-1);
}
