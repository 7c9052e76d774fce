import type { ModelName } from '../config.js';
import type { CnnRecipe } from './cnn-recipe.js';
import type { ModelOrigin } from './pretrained.js';

/** What is known about a saved model besides its weights. */
export interface ModelMetadata {
  model: ModelName;
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
  /** How the classifier was trained; absent in a VAE's metadata and in a CNN's saved before shifts. */
  recipe?: CnnRecipe;
  /** Test metrics after the last completed epoch. */
  metrics: { testAccuracy?: number; testNegElbo?: number };
  /** Mean training loss of each completed epoch. */
  lossHistory: number[];
  /** ISO 8601 time of writing. */
  date: string;
  /**
   * VAE only: trained on dynamically binarised images (`train vae --binarize`), so its
   * metrics are on the test set's fixed binarisation. Absent (older models too) means grey levels.
   */
  binarized?: boolean;
  /**
   * Where a loaded copy came from, set by the loader from the folder it read (a file's own
   * value is ignored, and a save leaves it out); absent on metadata not loaded from disk.
   */
  origin?: ModelOrigin;
}

/** Why a value does not fit, or undefined when it does. */
type Check = (value: unknown) => string | undefined;

const isInteger =
  (min: number): Check =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min ? undefined : `needs an integer of at least ${min}`;
const isText: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : 'needs a text');
const isFinite: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'needs a finite number');
const isDate: Check = (v) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? undefined : 'needs an ISO 8601 date';
/** Older copies carry no recipe: they were all trained the plain way. */
const isRecipe: Check = (v) => {
  if (v === undefined) return undefined;
  const r = v as Partial<CnnRecipe> | null;
  return typeof r === 'object' &&
    r !== null &&
    Number.isSafeInteger(r.maxShift) &&
    (r.maxShift as number) >= 0 &&
    (r.logitsInit === 'small' || r.logitsInit === 'glorot')
    ? undefined
    : 'needs {"maxShift": a whole number, "logitsInit": "small" or "glorot"}';
};
const isLosses: Check = (v) =>
  Array.isArray(v) && v.every((x) => isFinite(x) === undefined) ? undefined : 'needs a list of finite numbers';

/** Each field as `saveModelSet` writes it; `model` and `metrics` are checked against the model's name. */
const FIELDS: Record<Exclude<keyof ModelMetadata, 'model' | 'metrics' | 'binarized' | 'origin'>, Check> = {
  dataset: isText,
  trainImages: isInteger(1),
  epochs: isInteger(1),
  epochsPlanned: isInteger(1),
  batchSize: isInteger(1),
  seed: isInteger(Number.MIN_SAFE_INTEGER),
  backend: isText,
  workers: isInteger(1),
  recipe: isRecipe,
  lossHistory: isLosses,
  date: isDate,
};

/** Each model's test metric, which every saved copy carries. */
const METRIC: Record<ModelName, { key: 'testAccuracy' | 'testNegElbo'; check: Check }> = {
  cnn: {
    key: 'testAccuracy',
    check: (v) =>
      isFinite(v) === undefined && (v as number) >= 0 && (v as number) <= 1 ? undefined : 'needs a number from 0 to 1',
  },
  vae: { key: 'testNegElbo', check: isFinite },
};

/**
 * What is wrong with `value` as the metadata of a saved `name`, in a few words, or
 * undefined when it is metadata as this program writes it.
 */
export function metadataProblem(value: unknown, name: ModelName): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (record.model !== name) return `not a saved ${name} model`;
  for (const [field, check] of Object.entries(FIELDS)) {
    const problem = check(record[field]);
    if (problem !== undefined) return `"${field}" ${problem}, got ${shown(record[field])}`;
  }
  if (record.binarized !== undefined && typeof record.binarized !== 'boolean') {
    return `"binarized" needs true or false, got ${shown(record.binarized)}`;
  }
  const metadata = record as unknown as ModelMetadata;
  if (metadata.epochs > metadata.epochsPlanned) {
    return `"epochs" ${metadata.epochs} is more than "epochsPlanned" ${metadata.epochsPlanned}`;
  }
  if (metadata.lossHistory.length !== metadata.epochs) {
    return `"lossHistory" holds ${metadata.lossHistory.length} losses for ${metadata.epochs} epochs`;
  }
  const metrics = record.metrics;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    return `"metrics" needs an object, got ${shown(metrics)}`;
  }
  const { key, check } = METRIC[name];
  const problem = check((metrics as Record<string, unknown>)[key]);
  if (problem !== undefined)
    return `"metrics.${key}" ${problem}, got ${shown((metrics as Record<string, unknown>)[key])}`;
  return undefined;
}

/** A value as it would appear in JSON, cut short so the message stays one line. */
function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
