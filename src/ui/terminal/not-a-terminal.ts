/** Said, with exit code 2, when stdin or stdout is not a terminal (piped, CI). */
export const NOT_A_TERMINAL =
  'mnist-tui: the app needs a terminal; use the headless commands: mnist-tui train|eval|generate|classify (see --help)';

/** Whether both ends are a terminal the app can take over. */
export function isTerminal(stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }): boolean {
  return stdin.isTTY === true && stdout.isTTY === true;
}
