import { UserFacingError } from '../errors.js';

/**
 * The one error type of the data layer. Its message is a single line that
 * names the file and the problem, so the CLI can print it as-is and exit.
 */
export class DataError extends UserFacingError {
  /** Name of the file at fault, as the user would look for it on disk. */
  readonly file: string;
  /** What is wrong with it, without the file name. */
  readonly problem: string;

  constructor(file: string, problem: string) {
    // Causes such as zlib messages may span lines; the CLI promises one.
    const oneLine = problem.replace(/\s*\n\s*/g, ' ');
    super(`${file}: ${oneLine}`);
    this.name = 'DataError';
    this.file = file;
    this.problem = oneLine;
  }
}
