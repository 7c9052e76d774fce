import { importOptional, MissingPackageError } from './optional-import.js';

/**
 * TensorFlow's native bindings, best first. Neither is our dependency: each downloads
 * libtensorflow when installed (the GPU one also needs CUDA 11.2 and cuDNN 8.1), so a user who
 * wants one installs it. Importing either registers the `tensorflow` backend.
 */
const BINDINGS = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/**
 * Loads the first TensorFlow binding that works here. Throws an Error with a one-line reason,
 * covering every binding tried, when none does.
 */
export async function loadTensorflow(): Promise<void> {
  // TensorFlow's C++ logging would otherwise print start-up notes on every run.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const failures: Error[] = [];
  for (const name of BINDINGS) {
    try {
      // A computed name, so neither the compiler nor the bundler looks for a package that is absent.
      const specifier: string = name;
      await importOptional(name, () => import(specifier));
      return;
    } catch (error) {
      failures.push(error instanceof Error ? error : new Error(String(error)));
    }
  }
  if (failures.every((failure) => failure instanceof MissingPackageError)) {
    throw new Error(
      `${BINDINGS.join(' or ')} is not installed (npm install ${BINDINGS[1]}; the -gpu one needs CUDA 11.2)`,
    );
  }
  throw new Error(failures.map((failure) => failure.message.split('\n')[0]).join('; '));
}
