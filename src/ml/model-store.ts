import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** What is known about a saved model besides its weights. */
export interface ModelMetadata {
  model: 'cnn' | 'vae';
  /** Where the training data came from. */
  dataset: string;
  trainImages: number;
  /** Epochs completed when this copy was written. */
  epochs: number;
  epochsPlanned: number;
  batchSize: number;
  seed: number;
  backend: string;
  workers: number;
  /** Test metrics after the last completed epoch. */
  metrics: { testAccuracy?: number; testNegElbo?: number };
  /** Mean training loss of each completed epoch. */
  lossHistory: number[];
  /** ISO 8601 time of writing. */
  date: string;
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const METADATA_JSON = 'metadata.json';
const STAGING_SUFFIX = '.tmp';
const PREVIOUS_SUFFIX = '.old';

/**
 * Saves named layers models and their metadata under `modelsDir/name/`. The whole folder
 * is written beside the old one and swapped in with renames, so a crash at any moment
 * leaves either the previous or the new complete copy (see `resolveModelDir`).
 */
export async function saveModelSet(
  modelsDir: string,
  name: string,
  parts: Record<string, tfl.LayersModel>,
  metadata: ModelMetadata,
): Promise<void> {
  const finalDir = path.join(modelsDir, name);
  const stagingDir = finalDir + STAGING_SUFFIX;
  const previousDir = finalDir + PREVIOUS_SUFFIX;
  await rm(stagingDir, { recursive: true, force: true });
  for (const [part, model] of Object.entries(parts)) {
    const partDir = path.join(stagingDir, part);
    await mkdir(partDir, { recursive: true });
    await model.save(fileSaver(partDir));
  }
  await writeFile(path.join(stagingDir, METADATA_JSON), JSON.stringify(metadata, null, 2) + '\n');
  if (existsSync(finalDir)) {
    await rm(previousDir, { recursive: true, force: true });
    await rename(finalDir, previousDir);
  }
  await rename(stagingDir, finalDir);
  await rm(previousDir, { recursive: true, force: true });
}

/** The folder holding the newest complete copy of `name`, or undefined when none exists. */
export function resolveModelDir(modelsDir: string, name: string): string | undefined {
  const finalDir = path.join(modelsDir, name);
  if (existsSync(finalDir)) return finalDir;
  // Only a crash between the two renames of a save leaves this state; the old copy is whole.
  const previousDir = finalDir + PREVIOUS_SUFFIX;
  return existsSync(previousDir) ? previousDir : undefined;
}

/** Loads the parts saved by `saveModelSet`, checking that the files are ours and intact. */
export async function loadModelSet<P extends string>(
  modelsDir: string,
  name: string,
  partNames: readonly P[],
): Promise<{ parts: Record<P, tfl.LayersModel>; metadata: ModelMetadata } | undefined> {
  const dir = resolveModelDir(modelsDir, name);
  if (dir === undefined) return undefined;
  const metadataPath = path.join(dir, METADATA_JSON);
  const metadata = parseJson(metadataPath, await readOrExplain(metadataPath, 'utf8'));
  if (metadata?.model !== name) {
    throw new ModelFileError(`${metadataPath}: not a saved ${name} model`);
  }
  const parts = {} as Record<P, tfl.LayersModel>;
  for (const part of partNames) {
    const partDir = path.join(dir, part);
    try {
      parts[part] = await tfl.loadLayersModel(fileLoader(partDir));
    } catch (error) {
      if (error instanceof ModelFileError) throw error;
      throw new ModelFileError(`${path.join(partDir, MODEL_JSON)}: cannot load model: ${firstLine(error)}`);
    }
  }
  return { parts, metadata: metadata as ModelMetadata };
}

function fileSaver(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts) {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      await writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      const modelJson = {
        format: 'layers-model',
        generatedBy: 'mnist-tui',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

function fileLoader(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const jsonPath = path.join(dir, MODEL_JSON);
      const json = parseJson(jsonPath, await readOrExplain(jsonPath, 'utf8'));
      const manifest = json?.weightsManifest;
      if (json?.modelTopology === undefined || !Array.isArray(manifest)) {
        throw new ModelFileError(`${jsonPath}: not a TensorFlow.js layers model`);
      }
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of manifest as tf.io.WeightsManifestConfig) {
        weightSpecs.push(...group.weights);
        for (const weightPath of group.paths) buffers.push(await readOrExplain(insideDir(dir, weightPath, jsonPath)));
      }
      const weightData = tf.io.concatenateArrayBuffers(buffers.map((b) => b.slice().buffer));
      const expected = weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (weightData.byteLength !== expected) {
        throw new ModelFileError(
          `${jsonPath}: weights hold ${weightData.byteLength} bytes, manifest needs ${expected}`,
        );
      }
      return { modelTopology: json.modelTopology, weightSpecs, weightData };
    },
  };
}

/** Refuses manifest paths that would read files outside the model's own folder. */
function insideDir(dir: string, relative: string, jsonPath: string): string {
  const resolved = path.resolve(dir, relative);
  if (path.isAbsolute(relative) || !resolved.startsWith(path.resolve(dir) + path.sep)) {
    throw new ModelFileError(`${jsonPath}: weight path "${relative}" leaves the model folder`);
  }
  return resolved;
}

async function readOrExplain(file: string): Promise<Uint8Array>;
async function readOrExplain(file: string, encoding: 'utf8'): Promise<string>;
async function readOrExplain(file: string, encoding?: 'utf8'): Promise<Uint8Array | string> {
  try {
    return encoding ? await readFile(file, encoding) : new Uint8Array(await readFile(file));
  } catch (error) {
    throw new ModelFileError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? firstLine(error)}`);
  }
}

/** Parsed JSON, typed loosely because its shape is checked by the caller. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
function parseJson(file: string, text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    throw new ModelFileError(`${file}: damaged JSON`);
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
