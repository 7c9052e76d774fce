/**
 * The Models view's insight panel as lines of text: a title with the loss
 * sparkline, then the CNN's confusion matrix and the captions of its surest
 * mistakes, or the VAE's −ELBO split and the captions of its reconstructions.
 * The digits' boxes are left blank for the graphics layer to draw in.
 */
import type { ModelName } from '../../config.js';
import type { ClassifierInsight, VaeInsight } from '../../ml/analysis/index.js';
import { sparkline } from '../chart/index.js';
import { MATRIX_WIDTH, type ModelsLayout, type Rect } from '../layout/index.js';
import { insightKey, insightShown, type AppState, type ModelInsight } from '../state/index.js';
import { confusionLines } from './confusion-matrix.js';
import { count, percent } from './format.js';

const NAMES: Record<ModelName, string> = { cnn: 'CNN', vae: 'VAE' };
/** The sparkline's widest, so the title keeps room for its numbers. */
const SPARKLINE_WIDTH = 20;

/** Lines `rows` long holding `text` at each `[row, col]` given, rows and columns counted from `origin`. */
function placeText(origin: { row: number; col: number }, rows: number, texts: [Rect, string][]): string[] {
  const lines = Array.from({ length: rows }, () => '');
  for (const [at, text] of [...texts].sort((a, b) => a[0].col - b[0].col)) {
    const row = at.row - origin.row;
    if (row < 0 || row >= rows) continue;
    lines[row] = lines[row]!.padEnd(at.col - origin.col) + text;
  }
  return lines;
}

/** The row under a digit's box, where its caption goes, and the row above it. */
const below = (box: Rect): Rect => ({ ...box, row: box.row + box.height });
const above = (box: Rect): Rect => ({ ...box, row: box.row - 1 });

function classifierLines(insight: ClassifierInsight, layout: ModelsLayout, state: AppState): string[] {
  const plain = !state.display.colour;
  const matrix = confusionLines(insight, plain ? undefined : state.display.depth);
  const rows = layout.panel.height - 1;
  const [first] = layout.mistakes;
  if (first === undefined) return matrix.slice(0, rows);
  const arrow = plain ? '->' : '→';
  const shown = layout.mistakes.slice(0, insight.confidentlyWrong.length);
  const origin = { row: layout.panel.row + 1, col: first.col };
  const heading: [Rect, string] = [
    { ...origin, width: 0, height: 1 },
    insight.confidentlyWrong.length > 0 ? 'surest mistakes' : 'no mistakes',
  ];
  const captions = shown.map((box, i): [Rect, string] => {
    const { label, predicted, confidence } = insight.confidentlyWrong[i]!;
    return [below(box), `${label} ${arrow} ${predicted} ${percent(confidence, 0)}`];
  });
  const right = placeText(origin, rows, [heading, ...captions]);
  const gap = ' '.repeat(first.col - layout.panel.col - MATRIX_WIDTH);
  // Matrix lines hold colour codes, so they are joined by the matrix's known width, not their length.
  return right.map((text, row) =>
    text === '' ? (matrix[row] ?? '') : (matrix[row] ?? ' '.repeat(MATRIX_WIDTH)) + gap + text,
  );
}

function vaeLines(insight: VaeInsight, layout: ModelsLayout, state: AppState): string[] {
  const plain = !state.display.colour;
  const total = insight.reconstructionNats + insight.klNats;
  const split = `test ${plain ? '-' : '−'}ELBO ${total.toFixed(1)} nats = reconstruction ${insight.reconstructionNats.toFixed(1)} + KL ${insight.klNats.toFixed(1)}, per image`;
  const origin = { row: layout.panel.row + 1, col: layout.panel.col };
  const captions = layout.pairs
    .slice(0, insight.examples.length)
    .flatMap(({ original, reconstruction }, i): [Rect, string][] => [
      [above(original), `test ${insight.examples[i]!.label}`],
      [above(reconstruction), 'VAE'],
    ]);
  return placeText(origin, layout.panel.height - 1, [[{ ...origin, width: 0, height: 1 }, split], ...captions]);
}

/** The title: the model, what it was judged on, its loss per epoch, and the key to the other model. */
function title(
  state: AppState,
  model: ModelName,
  insight: ModelInsight<ClassifierInsight | VaeInsight> | undefined,
): string {
  const plain = !state.display.colour;
  const other = model === 'cnn' ? 'vae' : 'cnn';
  const parts = [NAMES[model]];
  if (insight?.stage === 'done') {
    const { result } = insight;
    const right = 'accuracy' in result ? `: ${percent(result.accuracy)} right` : '';
    parts[0] += ` on ${count(result.count)} test images${right}`;
  }
  const losses = state.models[model]?.lossHistory ?? [];
  if (losses.length > 0) {
    const first = losses[0]!;
    const last = losses.at(-1)!;
    const range =
      losses.length > 1 ? ` ${first.toFixed(3)} ${plain ? '->' : '→'} ${last.toFixed(3)}` : ` ${last.toFixed(3)}`;
    parts.push(`loss by epoch ${sparkline(losses, SPARKLINE_WIDTH, plain)}${range}`);
  }
  parts.push(`i: ${NAMES[other]}`);
  return parts.join(' · ');
}

/** What the panel says while the shown model has no insight to draw. */
function waiting(state: AppState, model: ModelName, insight: ModelInsight<unknown> | undefined): string {
  if (state.models[model] === undefined) {
    return model === 'cnn'
      ? 'No CNN yet: press t to train one; then its mistakes on the test set show here.'
      : 'No VAE yet: press v to train one; then its reconstructions of test digits show here.';
  }
  if (insight?.stage === 'failed') return `Cannot judge the ${NAMES[model]} on the test set: ${insight.error}`;
  if (insight?.stage === 'computing' && insight.total > 0) {
    return `Judging the ${NAMES[model]} on the test set… ${count(insight.done)}/${count(insight.total)} images`;
  }
  return `Judging the ${NAMES[model]} on the test set…`;
}

/**
 * The panel's lines for `state`, `layout.panel.height` at most: its title, then the shown
 * model's insight, or why there is none yet.
 */
export function insightPanelLines(state: AppState, layout: ModelsLayout): string[] {
  const model = insightShown(state);
  const metadata = state.models[model];
  const stored = state.insight[model];
  // An insight worked out for an earlier copy of the model is not shown as this one's.
  const insight = metadata !== undefined && stored?.key === insightKey(metadata) ? stored : undefined;
  let body: string[];
  if (insight?.stage !== 'done') body = [waiting(state, model, insight)];
  else if ('accuracy' in insight.result) body = classifierLines(insight.result, layout, state);
  else body = vaeLines(insight.result, layout, state);
  // An empty <Text> takes no row, which would lift every line under it.
  return [title(state, model, insight), ...body].slice(0, layout.panel.height).map((line) => line || ' ');
}
