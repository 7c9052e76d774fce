/**
 * The errors we raise for what the user can fix or should know: a bad flag,
 * a damaged file, a backend that cannot run here. Each one's message is
 * already the one line to show, naming what is wrong, so the CLI and the app
 * print it as is; any other error is a bug, reported as an internal error.
 */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}

/** The first line of an error's message (or of whatever was thrown), for places with room for one line. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
