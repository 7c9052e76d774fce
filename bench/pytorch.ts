import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Interpreters to try: Debian's python3-torch installs for the system Python only. */
const PYTHONS = ['python3', '/usr/bin/python3'];

export interface TorchResult {
  torch: string;
  threads: number;
  cnn: { trainImagesPerSecond: number; inferImagesPerSecond: number };
  vae: { trainImagesPerSecond: number; inferImagesPerSecond: number };
}

/** The first interpreter that can import torch, or undefined. */
export async function findTorchPython(): Promise<string | undefined> {
  for (const python of PYTHONS) {
    try {
      await run(python, ['-c', 'import torch']);
      return python;
    } catch {
      // This interpreter lacks torch; the next one may have it.
    }
  }
  return undefined;
}

/** Runs bench/torch_ref.py with the same data, batch size and thread count. */
export async function runTorchReference(
  python: string,
  options: { dataDir: string | undefined; batchSize: number; seconds: number; threads: number },
): Promise<TorchResult> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Compiled to dist/bench; the script stays in the source tree.
  const script = path.resolve(here, '../../bench/torch_ref.py');
  const args = [script, '--batch-size', String(options.batchSize), '--seconds', String(options.seconds)];
  args.push('--threads', String(options.threads));
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  const { stdout } = await run(python, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as TorchResult;
}
