import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MachineProbe } from './auto-choice.js';

/** The cache file's name inside our cache folder. */
const CACHE_FILE = 'backend-probe.json';

/** What the cache file holds: one machine's probe, under the key it was measured for. */
interface CacheEntry {
  key: string;
  probe: MachineProbe;
}

/**
 * Where the probe is remembered: `$XDG_CACHE_HOME/mnist-tui`, else `~/.cache/mnist-tui`
 * (the XDG default, which macOS and Windows users rarely mind either).
 */
export function probeCachePath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const base =
    env.XDG_CACHE_HOME !== undefined && path.isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : path.join(home, '.cache');
  return path.join(base, 'mnist-tui', CACHE_FILE);
}

/** The probe remembered for `key`, or undefined when there is none, it is for another key, or unreadable. */
export function readProbe(file: string, key: string): MachineProbe | undefined {
  let entry: Partial<CacheEntry>;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheEntry>;
  } catch {
    // No cache yet, or a damaged one: either way the machine is probed again.
    return undefined;
  }
  return entry.key === key && typeof entry.probe === 'object' && entry.probe !== null ? entry.probe : undefined;
}

/**
 * Remembers `probe` for `key`, replacing what was there. Written to a private temporary file
 * and renamed, so a reader in another process sees the old entry or the new, never half of one.
 * Returns false where the cache cannot be written: the machine is then probed on each start.
 */
export function writeProbe(file: string, key: string, probe: MachineProbe): boolean {
  const staging = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(staging, JSON.stringify({ key, probe } satisfies CacheEntry));
    renameSync(staging, file);
    return true;
  } catch {
    // A read-only home is no reason to fail a command; the cost is a probe per start.
    return false;
  }
}
