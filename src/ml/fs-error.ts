import { firstLine } from '../errors.js';

/** Words for the file-system error codes a save can meet, so one line says what happened. */
const MEANINGS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a file stands where a folder is needed',
  EEXIST: 'a file stands where a folder is needed',
  EISDIR: 'a folder stands where a file is needed',
  EIO: 'input/output error',
  ENOENT: 'no such file or folder',
};

/** `ENOSPC (no space left on the device)`: the code and its meaning, or the error's first line. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return MEANINGS[code] ? `${code} (${MEANINGS[code]})` : code;
  return firstLine(error);
}
