import { open, rename, rm } from 'node:fs/promises';
import { UserFacingError } from '../errors.js';

/** A file that could not be written; the message is one line naming it. */
export class FileWriteError extends UserFacingError {
  override name = 'FileWriteError';
}

/**
 * Writes `data` to `file` through a synced temporary file beside it and a
 * rename, which replaces atomically: a reader or a crash sees the old file
 * or the new one, never half of one.
 *
 * @throws {FileWriteError} when the folder is missing or not writable
 */
export async function writeFileAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new FileWriteError(`${file}: cannot write: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
