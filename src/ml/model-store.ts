import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { firstLine, UserFacingError } from '../errors.js';
import type { ModelName } from '../config.js';
import { describeFsError } from './fs-error.js';
import { metadataProblem, type ModelMetadata } from './model-metadata.js';
import { topologyProblem } from './topology-guard.js';

export type { ModelMetadata };

/** A saved model that cannot be read or written, said in one line naming the file. */
export class ModelFileError extends UserFacingError {
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
 * leaves either the previous or the new complete copy (see `resolveModelDir`). The staging
 * folder is named after this process, so runs that ignore the models lock still never write
 * into each other's copy. Any write failure removes the staging folder (a full disk is not
 * kept full) and becomes a one-line ModelFileError.
 */
export async function saveModelSet(
  modelsDir: string,
  name: string,
  parts: Record<string, tfl.LayersModel>,
  metadata: ModelMetadata,
): Promise<void> {
  const finalDir = path.join(modelsDir, name);
  const stagingDir = `${finalDir}${STAGING_SUFFIX}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const previousDir = finalDir + PREVIOUS_SUFFIX;
  let file = stagingDir;
  try {
    for (const [part, model] of Object.entries(parts)) {
      const partDir = path.join(stagingDir, part);
      file = partDir;
      await mkdir(partDir, { recursive: true });
      await model.save(fileSaver(partDir));
    }
    file = path.join(stagingDir, METADATA_JSON);
    await writeFile(file, JSON.stringify(metadata, null, 2) + '\n');
    file = finalDir;
    if (existsSync(finalDir)) {
      await rm(previousDir, { recursive: true, force: true });
      await rename(finalDir, previousDir);
    }
    await rename(stagingDir, finalDir);
    await rm(previousDir, { recursive: true, force: true });
  } catch (error) {
    await rm(stagingDir, { recursive: true, force: true }).catch(() => {
      // Nothing more can be done here; the next run removes what a dead one left (see models-lock).
    });
    // fs errors name the exact file or folder they failed on.
    const where = (error as NodeJS.ErrnoException).path ?? file;
    throw new ModelFileError(`${where}: cannot save: ${describeFsError(error)}`);
  }
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
  name: ModelName,
  partNames: readonly P[],
): Promise<{ parts: Record<P, tfl.LayersModel>; metadata: ModelMetadata; dir: string } | undefined> {
  const dir = resolveModelDir(modelsDir, name);
  if (dir === undefined) return undefined;
  const metadataPath = path.join(dir, METADATA_JSON);
  const metadata = parseJson(metadataPath, await readOrExplain(metadataPath, 'utf8'));
  const problem = metadataProblem(metadata, name);
  if (problem !== undefined) throw new ModelFileError(`${metadataPath}: ${problem}`);
  const parts = {} as Record<P, tfl.LayersModel>;
  for (const part of partNames) {
    const partDir = path.join(dir, part);
    try {
      parts[part] = await tfl.loadLayersModel(fileLoader(partDir));
    } catch (error) {
      Object.values<tfl.LayersModel>(parts).forEach((model) => model.dispose());
      if (error instanceof ModelFileError) throw error;
      throw new ModelFileError(`${path.join(partDir, MODEL_JSON)}: cannot load model: ${firstLine(error)}`);
    }
  }
  return { parts, metadata: metadata as ModelMetadata, dir };
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
      const unsafe = topologyProblem(json.modelTopology);
      if (unsafe !== undefined) throw new ModelFileError(`${jsonPath}: ${unsafe}`);
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      const weightFiles: string[] = [];
      for (const group of manifest) {
        if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights) || !group.weights.every(isFloatSpec)) {
          throw new ModelFileError(`${jsonPath}: the weights manifest is not float32 weights of known shapes`);
        }
        weightSpecs.push(...group.weights);
        for (const weightPath of group.paths) {
          const file = insideDir(dir, String(weightPath), jsonPath);
          weightFiles.push(file);
          buffers.push(await readOrExplain(file));
        }
      }
      const weightData = tf.io.concatenateArrayBuffers(buffers.map((b) => b.slice().buffer));
      const expected = weightSpecs.reduce((sum, spec) => sum + sizeOf(spec) * 4, 0);
      if (weightData.byteLength !== expected) {
        throw new ModelFileError(
          `${jsonPath}: weights hold ${weightData.byteLength} bytes, manifest needs ${expected}`,
        );
      }
      const bad = firstNonFinite(new Float32Array(weightData), weightSpecs);
      if (bad !== undefined) {
        const where = weightFiles.length === 1 ? weightFiles[0] : jsonPath;
        throw new ModelFileError(`${where}: weight "${bad.name}" holds ${bad.value} (weights must be finite)`);
      }
      return { modelTopology: json.modelTopology, weightSpecs, weightData };
    },
  };
}

/** A manifest entry this loader can read: a named float32 tensor of whole, non-negative sizes. */
function isFloatSpec(spec: any): spec is tf.io.WeightsManifestEntry {
  return (
    typeof spec?.name === 'string' &&
    spec.dtype === 'float32' &&
    spec.quantization === undefined &&
    Array.isArray(spec.shape) &&
    spec.shape.every((side: unknown) => Number.isSafeInteger(side) && (side as number) >= 0)
  );
}

function sizeOf(spec: tf.io.WeightsManifestEntry): number {
  return spec.shape.reduce((a, b) => a * b, 1);
}

/** The first weight holding NaN or an infinity, with that value, or undefined when all are finite. */
function firstNonFinite(
  values: Float32Array,
  specs: tf.io.WeightsManifestEntry[],
): { name: string; value: number } | undefined {
  let offset = 0;
  for (const spec of specs) {
    const end = offset + sizeOf(spec);
    for (let i = offset; i < end; i++) {
      if (!Number.isFinite(values[i])) return { name: spec.name, value: values[i]! };
    }
    offset = end;
  }
  return undefined;
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
    throw new ModelFileError(`${file}: cannot read: ${describeFsError(error)}`);
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
