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
/** A staging folder's name: `<model>.tmp-<pid>-<hex>`, or plain `<model>.tmp` from older versions. */
const STAGING_NAME = /^(?:cnn|vae)\.tmp(?:-(\d+)-[0-9a-f]+)?$/;

/**
 * The pid of the process that staged `entry` of a models folder: null for an older version's
 * plain `<model>.tmp`, whose writer is unknown, and undefined when `entry` is no staging folder.
 */
export function stagingWriter(entry: string): number | null | undefined {
  const match = STAGING_NAME.exec(entry);
  if (match === null) return undefined;
  return match[1] === undefined ? null : Number(match[1]);
}

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
    // Where a copy came from is known only once it is loaded again (see saved-models).
    const stored = { ...metadata };
    delete stored.origin;
    await writeFile(file, JSON.stringify(stored, null, 2) + '\n');
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
      parts[part] = await loadPart(partDir);
    } catch (error) {
      Object.values<tfl.LayersModel>(parts).forEach((model) => model.dispose());
      if (error instanceof ModelFileError) throw error;
      throw new ModelFileError(`${path.join(partDir, MODEL_JSON)}: cannot load model: ${tfjsDetail(error)}`);
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

/**
 * The model saved in `dir`, built and holding its weights. tfjs's own loadLayersModel drops
 * what it has built when a damaged file fails it halfway (a layer it cannot build after
 * earlier ones made their variables, a weight name or shape the model lacks), and those
 * tensors would stay for the life of the program. Here every failure frees them.
 */
async function loadPart(dir: string): Promise<tfl.LayersModel> {
  const jsonPath = path.join(dir, MODEL_JSON);
  const { modelTopology, weightSpecs, weightData } = await fileLoader(dir).load();
  const model = await buildModel(modelTopology, jsonPath);
  try {
    const mismatch = weightsMismatch(model, weightSpecs);
    if (mismatch !== undefined) throw new ModelFileError(`${jsonPath}: ${mismatch}`);
    // tidy frees the weights decoded so far should decoding fail halfway.
    const values = tf.tidy(() => tf.io.decodeWeights(weightData, weightSpecs));
    try {
      model.loadWeights(values, true);
    } finally {
      // The model's variables hold their own references to what they were assigned.
      tf.dispose(values);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/**
 * Builds the model `topology` describes, untrained. A Sequential model builds each layer,
 * variables included, as it is added, so a damaged layer config refused halfway leaves the
 * variables of the layers before it; those are disposed here. A layer name that is no valid
 * tensor name fails after the weight's initial value was made; tidy frees that (variables
 * outlive tidy). modelFromJSON without weights builds synchronously, before it first
 * awaits, so the variables registered between the two looks at the engine are this build's
 * alone, even while another load (the TUI loads the CNN and the VAE side by side) is
 * awaiting its files.
 */
async function buildModel(
  topology: tfl.ModelAndWeightsConfig['modelTopology'],
  jsonPath: string,
): Promise<tfl.LayersModel> {
  const before = new Set(Object.values(tf.engine().registeredVariables));
  let building!: Promise<tfl.LayersModel>;
  tf.tidy(() => {
    building = tfl.models.modelFromJSON({ modelTopology: topology });
  });
  const made = Object.values(tf.engine().registeredVariables).filter((variable) => !before.has(variable));
  try {
    return await building;
  } catch (error) {
    made.forEach((variable) => variable.dispose());
    throw new ModelFileError(`${jsonPath}: cannot build the model: ${tfjsDetail(error)}`);
  }
}

/** How the manifest's weights differ from those `model` has, or undefined when they match one to one. */
function weightsMismatch(model: tfl.LayersModel, specs: tf.io.WeightsManifestEntry[]): string | undefined {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  for (const weight of model.weights) {
    // Names come from a file that may be damaged; JSON quoting keeps them on one line.
    const name = JSON.stringify(weight.originalName);
    const spec = byName.get(weight.originalName);
    if (spec === undefined) return `the weights manifest lacks weight ${name}`;
    if (!tf.util.arraysEqual(spec.shape, weight.shape as number[])) {
      return `weight ${name} is [${spec.shape.join(',')}] in the manifest, [${weight.shape.join(',')}] in the model`;
    }
  }
  // Every weight found, and layer and weight names are unique, so equal counts leave no spec over.
  if (specs.length !== model.weights.length) {
    return `the weights manifest holds ${specs.length} weights, the model ${model.weights.length}`;
  }
  return undefined;
}

/** The files saved in `dir`, their topology and weights checked before anything is built. */
function fileLoader(dir: string): { load(): Promise<SavedArtifacts> } {
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

/** What `fileLoader` reads: tfjs's model artifacts, every part present. */
interface SavedArtifacts {
  modelTopology: tfl.ModelAndWeightsConfig['modelTopology'];
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** A manifest entry this loader can read: a named float32 tensor of whole, non-negative sizes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- it checks parsed JSON of any shape
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

/** Longest tfjs message kept: some quote a whole layer config, which says nothing more. */
const MAX_DETAIL = 120;

/** The first line of a tfjs error, cut short. */
function tfjsDetail(error: unknown): string {
  const line = firstLine(error);
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}
