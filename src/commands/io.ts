/** The command's window on the world, injected so tests can capture it. */
export interface CommandIo {
  /** A line of results on stdout. */
  out(line: string): void;
  /** A line of diagnostics on stderr. */
  err(line: string): void;
  /** Transient status (progress bars) on a terminal; a no-op elsewhere. */
  status(text: string): void;
  /** Whether stderr is a terminal, so progress may redraw in place. */
  isTTY: boolean;
}

/** Options that only some commands read. */
export interface CommandOptions {
  json: boolean;
  z: [number, number] | undefined;
  out: string | undefined;
  scale: number;
  io: CommandIo;
}
