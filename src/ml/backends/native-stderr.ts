import { closeSync, fstatSync, openSync } from 'node:fs';
import { isMainThread, workerData, type WorkerOptions } from 'node:worker_threads';

/** The native standard error, which Dawn writes its warnings to directly. */
const STDERR = 2;

/** Marks, in `workerData`, a worker started with NATIVE_STDERR_WORKER_OPTIONS. */
const UNTRACKED = 'mnistTuiUntrackedFds';

/**
 * Options for a worker thread that may start WebGPU. Node tracks the descriptors a worker
 * opens and closes them when it exits; fd 2, reopened by the worker below, would then be
 * closed for the whole process. Untracked, the worker may repoint it like the main thread.
 */
export const NATIVE_STDERR_WORKER_OPTIONS: WorkerOptions = {
  trackUnmanagedFds: false,
  workerData: { [UNTRACKED]: true },
};

/**
 * Runs `work` with the native stderr (fd 2) pointing at /dev/null, then points it back. Dawn
 * prints warnings about the adapters it enumerates (`maxDynamicUniformBuffersPerPipelineLayout
 * artificially reduced ...` on lavapipe) with the C library, past Node's `process.stderr`, and
 * no option of the `webgpu` package silences them. Node cannot dup2, but POSIX gives a closed
 * descriptor's number to the next file opened, and Linux's /proc/self/fd reopens what a
 * descriptor points at: so fd 2 is closed and reopened, each time checked to land on 2.
 *
 * Only a terminal or a pipe is repointed: a regular file reopened would get an offset of its
 * own and overwrite what the shell writes after us (and Dawn's lines in a file reach no
 * terminal), and a socket cannot be reopened. Not on other systems either (Dawn's warnings
 * come from Linux's Vulkan drivers), nor in a worker that Node tracks descriptors for.
 */
export async function withNativeStderrSilenced<T>(work: () => Promise<T>): Promise<T> {
  if (!canRepoint()) return work();
  const original = openSync(`/proc/self/fd/${STDERR}`, 'a');
  const silenced = pointStderrAt('/dev/null');
  try {
    return await work();
  } finally {
    if (silenced) pointStderrAt(`/proc/self/fd/${original}`);
    closeSync(original);
  }
}

function canRepoint(): boolean {
  if (process.platform !== 'linux') return false;
  if (!isMainThread && (workerData as Record<string, unknown> | null)?.[UNTRACKED] !== true) return false;
  const stat = fstatSync(STDERR);
  return stat.isCharacterDevice() || stat.isFIFO();
}

/**
 * Closes fd 2 and opens `file`, which takes the lowest free number: 2. Returns whether it did.
 * Only a file another thread opens in the microseconds between the two calls could take the
 * number instead; that file is then left open for its owner (closing it would break that
 * thread), at the cost of Dawn's lines landing in it. A backend starts before its command
 * opens the files it works on, so this program has no such thread.
 */
function pointStderrAt(file: string): boolean {
  closeSync(STDERR);
  const fd = openSync(file, 'a');
  if (fd === STDERR) return true;
  closeSync(fd);
  return false;
}
