/** The process's streams and environment, injectable for tests and benchmarks. */
export interface AppIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Receives the signals and uncaught errors that end the app. */
  process: NodeJS.Process;
}
