/**
 * `eval --details`: beyond each model's one number, the CNN's confusion matrix, per-digit
 * accuracy and surest mistakes, and the VAE's test −ELBO split into reconstruction and KL,
 * as lines of text or fields of the JSON result.
 */
import type { DigitSet } from '../data/index.js';
import { classifierInsight, vaeInsight } from '../ml/analysis/index.js';
import type { SavedClassifier, SavedVae } from '../ml/index.js';

/** How many of the CNN's surest mistakes are listed. */
const LISTED_MISTAKES = 10;
const DIGITS = 10;
/** Columns of a count in the text matrix: room for 10,000 and a space. */
const CELL = 6;

export interface CnnDetails {
  /** [true digit][answer] counts. */
  confusion: number[][];
  /** Per true digit; null for a digit the test set lacks. */
  classAccuracy: (number | null)[];
  surestMistakes: { index: number; label: number; predicted: number; confidence: number }[];
}

export interface VaeDetails {
  reconstructionNats: number;
  klNats: number;
}

/** The details of whichever models are given, over `test`; the VAE's use the noise of its test metric. */
export async function evalDetails(
  models: { classifier?: SavedClassifier; vae?: SavedVae },
  test: DigitSet,
): Promise<{ cnn?: CnnDetails; vae?: VaeDetails }> {
  const out: { cnn?: CnnDetails; vae?: VaeDetails } = {};
  const onSlice = () => {};
  if (models.classifier) {
    const insight = await classifierInsight(models.classifier.model, test, { top: LISTED_MISTAKES, onSlice });
    out.cnn = {
      confusion: Array.from({ length: DIGITS }, (_, d) => [
        ...insight.confusion.subarray(d * DIGITS, (d + 1) * DIGITS),
      ]),
      classAccuracy: [...insight.classAccuracy].map((a) => (Number.isNaN(a) ? null : a)),
      surestMistakes: insight.confidentlyWrong.map(({ index, label, predicted, confidence }) => ({
        index,
        label,
        predicted,
        confidence,
      })),
    };
  }
  if (models.vae) {
    const { seed, binarized } = models.vae.metadata;
    const options = { seed, examples: 0, onSlice, binarized };
    const { reconstructionNats, klNats } = await vaeInsight(models.vae.vae, test, options);
    out.vae = { reconstructionNats, klNats };
  }
  return out;
}

/** The details as text, after the metrics' lines. */
export function detailLines(details: { cnn?: CnnDetails; vae?: VaeDetails }): string[] {
  const lines: string[] = [];
  const { cnn, vae } = details;
  if (cnn) {
    const cell = (text: string) => text.padStart(CELL);
    lines.push('CNN confusion matrix (a row per true digit, a column per answer; right = its accuracy):');
    lines.push(
      '  ' + Array.from({ length: DIGITS }, (_, d) => cell(String(d))).join('') + cell('right'.padStart(CELL + 1)),
    );
    cnn.confusion.forEach((row, d) => {
      const accuracy = cnn.classAccuracy[d];
      const right = accuracy === null || accuracy === undefined ? '-' : `${(accuracy * 100).toFixed(2)}%`;
      lines.push(`${d} ` + row.map((n) => cell(String(n))).join('') + right.padStart(CELL + 2));
    });
    lines.push("CNN's surest mistakes (test image: true digit -> answer, probability):");
    if (cnn.surestMistakes.length === 0) lines.push('  none');
    for (const { index, label, predicted, confidence } of cnn.surestMistakes) {
      lines.push(`  #${index}: ${label} -> ${predicted} (${(confidence * 100).toFixed(1)}%)`);
    }
  }
  if (vae) {
    const total = vae.reconstructionNats + vae.klNats;
    lines.push(
      `VAE test -ELBO ${total.toFixed(2)} = reconstruction ${vae.reconstructionNats.toFixed(2)} + KL ${vae.klNats.toFixed(2)} nats/image`,
    );
  }
  return lines;
}
