/**
 * The ways a running app can be told to stop from outside: signals, and
 * errors nobody caught. Both are routed to one handler so that training is
 * stopped cleanly and the terminal restored whichever way the end comes.
 */

/** Signals that end the app, with the exit code a shell expects for each (128 + number). */
export const EXIT_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export type ExitSignal = keyof typeof EXIT_SIGNALS;

/** What `onExitRequests` reports to. */
export interface ExitHandlers {
  /** A signal asked the app to stop. */
  signal(name: ExitSignal): void;
  /** An error escaped every handler. */
  crash(error: unknown): void;
}

/**
 * Subscribes `handlers` to SIGINT, SIGTERM, SIGHUP, uncaught exceptions and
 * unhandled rejections; returns the unsubscribe function. While subscribed,
 * these no longer kill the process: the handlers decide when it ends.
 */
export function onExitRequests(process: NodeJS.Process, handlers: ExitHandlers): () => void {
  const signalListeners = (Object.keys(EXIT_SIGNALS) as ExitSignal[]).map((name) => {
    const listener = () => handlers.signal(name);
    process.on(name, listener);
    return () => process.off(name, listener);
  });
  const crash = (error: unknown) => handlers.crash(error);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return () => {
    signalListeners.forEach((off) => off());
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
}
