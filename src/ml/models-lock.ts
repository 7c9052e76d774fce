import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserFacingError } from '../errors.js';
import { describeFsError } from './fs-error.js';
import { stagingWriter } from './model-store.js';
import { isInsidePretrained } from './pretrained.js';

/** The models folder cannot be used for training: another run holds it, or it cannot be written. */
export class ModelsDirError extends UserFacingError {
  override name = 'ModelsDirError';
}

/** Who holds a models folder, as written in its lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  /** ISO 8601 time the lock was taken. */
  started: string;
}

/** A lock taken by this process; `release` is safe to call more than once. */
export interface ModelsLock {
  release(): Promise<void>;
}

const LOCK_FILE = '.lock';
/** Stale locks are moved aside before removal; a race may hand us a live one, which is then put back. */
const RECOVERY_ATTEMPTS = 5;
/** Drafts and set-aside copies of lock files (`.lock.<pid>-<hex>`, `.lock.stale-<pid>-<hex>`). */
const LOCK_LEFTOVER = /^\.lock\.(?:stale-)?(\d+)-[0-9a-f]+$/;

/** Lock files this process holds, so a second run inside the same process is refused too. */
const heldHere = new Set<string>();

/**
 * Takes the lock of `modelsDir` for one training run, creating the folder. Writing the lock
 * is also the check that the folder can be written at all, made before any training starts.
 * A lock whose holder has died on this host is removed, said through `onNotice`; staging
 * folders that dead runs left behind are removed too. The shipped models' folder is refused.
 * Throws ModelsDirError in one line.
 */
export async function acquireModelsLock(
  modelsDir: string,
  onNotice: (line: string) => void = () => {},
): Promise<ModelsLock> {
  if (isInsidePretrained(modelsDir)) {
    throw new ModelsDirError(`${modelsDir} holds the shipped pretrained models, which training never replaces`);
  }
  const lockPath = path.join(modelsDir, LOCK_FILE);
  await mkdir(modelsDir, { recursive: true }).catch((error) => {
    throw unwritable(modelsDir, error);
  });
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command: process.argv.slice(1).join(' '),
    started: new Date().toISOString(),
  };
  const text = JSON.stringify(holder) + '\n';
  // Written whole under a name of our own first, then linked: the lock never exists half-written.
  const draft = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(draft, text, { flag: 'wx' }).catch((error) => {
    throw unwritable(modelsDir, error);
  });
  try {
    for (let attempt = 0; ; attempt++) {
      if (attempt > RECOVERY_ATTEMPTS) throw busy(modelsDir, undefined);
      try {
        await createExclusive(draft, lockPath, text);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(modelsDir, error);
      }
      const current = await readHolder(lockPath);
      if (current === 'gone') continue;
      if (current !== 'damaged' && isAlive(current, lockPath)) throw busy(modelsDir, current);
      if (await removeStale(lockPath, current)) {
        onNotice(
          current === 'damaged'
            ? `removed a damaged lock file ${lockPath}`
            : `removed a stale lock of ${modelsDir}: pid ${current.pid} (started ${current.started}) is no longer running`,
        );
      }
    }
  } finally {
    // A draft that cannot be removed is harmless; the next run removes it (removeDeadLeftovers).
    await unlink(draft).catch(() => {});
  }
  heldHere.add(lockPath);
  let released = false;
  const lock: ModelsLock = {
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(lockPath);
      // Removes the lock only while it is still ours, so a run that lost it never frees another's.
      // One that cannot be read or removed stays behind and is recovered as stale by the next run.
      if ((await readFile(lockPath, 'utf8').catch(() => '')) === text) await unlink(lockPath).catch(() => {});
    },
  };
  try {
    await removeDeadLeftovers(modelsDir);
  } catch (error) {
    await lock.release();
    throw unwritable(modelsDir, error);
  }
  return lock;
}

/** Codes of file systems without hard links (FAT, some network mounts). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Creates `lockPath` holding `text`, failing with EEXIST when it exists. Linking the whole
 * draft is atomic; where links are not supported, an exclusive create is the fallback, which
 * leaves a moment in which another run could read the lock half-written (and call it damaged).
 */
async function createExclusive(draft: string, lockPath: string, text: string): Promise<void> {
  try {
    await link(draft, lockPath);
  } catch (error) {
    if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    await writeFile(lockPath, text, { flag: 'wx' });
  }
}

async function readHolder(lockPath: string): Promise<LockHolder | 'gone' | 'damaged'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw new ModelsDirError(`${lockPath}: cannot read: ${describeFsError(error)}`);
  }
  try {
    const value = JSON.parse(text);
    const valid =
      Number.isSafeInteger(value?.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string' &&
      typeof value.started === 'string';
    return valid
      ? { pid: value.pid, host: value.host, command: String(value.command), started: value.started }
      : 'damaged';
  } catch {
    return 'damaged';
  }
}

/**
 * Whether the holder may still be running. Another host's process cannot be checked, so it
 * counts as alive; a lock naming this very process but not held by it is left from an
 * earlier process that had the same pid (common in containers).
 */
function isAlive(holder: LockHolder, lockPath: string): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return heldHere.has(lockPath);
  return pidAlive(holder.pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the stale lock aside under a name of our own and removes it. If another process
 * recovered it and locked again in between, what was moved is that live lock: it is put back.
 */
async function removeStale(lockPath: string, stale: LockHolder | 'damaged'): Promise<boolean> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ModelsDirError(`${lockPath}: cannot remove a stale lock: ${describeFsError(error)}`);
  }
  const moved = await readHolder(aside);
  const same =
    stale === 'damaged'
      ? moved === 'damaged'
      : typeof moved === 'object' && moved.pid === stale.pid && moved.started === stale.started;
  if (!same) {
    await link(aside, lockPath).catch(() => {});
    await unlink(aside).catch(() => {});
    return false;
  }
  await unlink(aside).catch(() => {});
  return true;
}

/**
 * Removes what processes that no longer run left behind: lock drafts (LOCK_LEFTOVER) and the
 * staging folders of `saveModelSet` (see `stagingWriter`).
 */
async function removeDeadLeftovers(modelsDir: string): Promise<void> {
  for (const entry of await readdir(modelsDir)) {
    const lockLeftover = LOCK_LEFTOVER.exec(entry);
    const pid = lockLeftover === null ? stagingWriter(entry) : Number(lockLeftover[1]);
    if (pid === undefined) continue;
    if (pid === null || pid === process.pid || !pidAlive(pid)) {
      await rm(path.join(modelsDir, entry), { recursive: true, force: true });
    }
  }
}

function busy(modelsDir: string, holder: LockHolder | undefined): ModelsDirError {
  if (holder === undefined) return new ModelsDirError(`${modelsDir} is locked by another training run`);
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return new ModelsDirError(
    `${modelsDir} is in use by another training run (pid ${holder.pid}${where}, since ${holder.started}); ` +
      `wait for it to end or stop it`,
  );
}

function unwritable(modelsDir: string, error: unknown): ModelsDirError {
  return new ModelsDirError(`cannot write to the models folder ${modelsDir}: ${describeFsError(error)}`);
}
