/** An optional package that is not installed; the message says how to install it. */
export class MissingPackageError extends Error {
  override name = 'MissingPackageError';

  constructor(readonly packageName: string) {
    super(`${packageName} is not installed (npm install ${packageName})`);
  }
}

/**
 * Imports an optional package, turning "not installed" into a MissingPackageError. Any other
 * failure (a package that is there but broken) keeps its own message.
 */
export async function importOptional<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw isMissing(error, name) ? new MissingPackageError(name) : error;
  }
}

/** Node says a package is missing with one of two codes; the name must be ours, not a dependency's. */
function isMissing(error: unknown, name: string): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;
  const missing = error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND';
  return missing && error.message.includes(`'${name}'`);
}
