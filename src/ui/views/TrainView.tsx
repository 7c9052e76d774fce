import { Box, Text } from 'ink';
import type { ModelName } from '../../config.js';
import type { AppState, EpochResult, TrainingRun } from '../state/index.js';
import { renderLossChart } from '../chart/index.js';
import { bar, clock, count, metric } from './format.js';
import { Lines } from './Lines.js';

const BAR_WIDTH = 24;
/** Epoch rows listed under the chart, newest last. */
const MAX_EPOCH_ROWS = 5;
/** Lines besides the chart and the epoch table: two of progress, a blank, the keys. */
const FIXED_LINES = 4;
const MIN_CHART_LINES = 3;
const NAMES: Record<ModelName, string> = { cnn: 'CNN', vae: 'VAE' };

function progressLines(state: AppState): string[] {
  const { active, queue, runs, shown } = state.training;
  const plain = !state.display.colour;
  if (active !== undefined) {
    const name = NAMES[active.model];
    const then = queue.length > 0 ? ` · then ${queue.map((m) => NAMES[m]).join(', ')}` : '';
    if (active.epoch === 0) return [`${name} · starting${then}`, ''];
    const fraction = active.batch / active.batchesPerEpoch;
    const status = active.cancelling ? ' · stopping after this batch' : active.paused ? ' · paused' : '';
    return [
      `${name} · epoch ${active.epoch}/${active.epochs} · batch ${active.batch}/${active.batchesPerEpoch} ${bar(fraction, BAR_WIDTH, plain)}${then}`,
      `${count(active.imagesPerSecond)} images/s · ETA ${clock(active.etaSeconds)}${status}`,
    ];
  }
  const run = shown && runs[shown];
  if (shown === undefined || run === undefined) {
    return ['Nothing is training. t trains the CNN, v the VAE, a both in turn.', ''];
  }
  const epochs = run.epochs.length;
  const kept = `${epochs} epoch${epochs === 1 ? '' : 's'}`;
  switch (run.outcome) {
    case 'cancelled':
      return [`${NAMES[shown]} cancelled; kept ${kept}, saved in ${state.modelsDir}.`, ''];
    case 'failed':
      return [`${NAMES[shown]} failed: ${run.error ?? 'unknown error'}`, ''];
    default:
      return [`${NAMES[shown]} done: ${kept}, saved in ${state.modelsDir}.`, ''];
  }
}

function epochRows(epochs: EpochResult[], rows: number): string[] {
  if (epochs.length === 0 || rows < 2) return [];
  const shown = epochs.slice(-(rows - 1));
  return [
    'Epoch  Loss       Test',
    ...shown.map((e) => `${String(e.epoch).padEnd(6)} ${e.loss.toFixed(4).padEnd(10)} ${metric(e)}`),
  ];
}

function keysLine(state: AppState): string {
  return state.training.active === undefined ? 't CNN · v VAE · a both' : 'p pause/resume · c or Esc cancel';
}

/** Train: progress, speed, ETA, the loss chart and the test metric per epoch. */
export function TrainView({ state, height }: { state: AppState; height: number }) {
  const { runs, shown } = state.training;
  const run: TrainingRun | undefined = shown && runs[shown];
  const width = state.size.columns;
  const table = epochRows(run?.epochs ?? [], Math.min(MAX_EPOCH_ROWS + 1, height - FIXED_LINES - MIN_CHART_LINES));
  const chartHeight = Math.max(MIN_CHART_LINES, height - FIXED_LINES - table.length);
  const chart =
    shown === undefined
      ? []
      : renderLossChart([{ name: `${NAMES[shown]} loss`, values: run?.losses ?? [] }], width, chartHeight, {
          colour: state.display.colour,
        });
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={progressLines(state)} />
      <Box height={chartHeight} flexDirection="column" marginTop={1}>
        <Lines lines={chart} />
      </Box>
      <Box flexGrow={1} flexDirection="column">
        <Lines lines={table} />
      </Box>
      <Text dimColor={state.display.colour}>{keysLine(state)}</Text>
    </Box>
  );
}
