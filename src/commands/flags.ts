import type { BackendName } from '../config.js';

/** A mistake in how the command was called: exit code 2 with a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const BACKENDS: readonly BackendName[] = ['auto', 'wasm', 'cpu', 'webgpu', 'tensorflow'];

export function parsePositiveInt(flag: string, value: string, allowZero = false): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || (n === 0 && !allowZero)) {
    throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`);
  }
  return n;
}

export function parseBackend(value: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${value}"`);
  }
  return value as BackendName;
}

/** "X,Y" into two finite numbers. */
export function parseLatentPoint(value: string): [number, number] {
  const parts = value.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (parts.length !== 2 || !parts.every(Number.isFinite)) {
    throw new UsageError(`--z needs two numbers as X,Y, got "${value}"`);
  }
  return [parts[0], parts[1]];
}
