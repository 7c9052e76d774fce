import { Box, Text } from 'ink';
import type { AppState } from '../state/index.js';
import { clock, percent } from './format.js';

const HINT = '? help  q quit';

/** What training is doing, in a few words, for the status bar. */
function trainingLine(state: AppState): string | undefined {
  const { active, queue } = state.training;
  if (active === undefined) return undefined;
  const name = active.model.toUpperCase();
  if (active.cancelling) return `${name}: stopping after this batch…`;
  if (active.epoch === 0) return `${name}: starting…`;
  const progress = percent(active.batch / active.batchesPerEpoch, 0);
  const then = queue.length > 0 ? ` · then ${queue.map((m) => m.toUpperCase()).join(', ')}` : '';
  const pace = active.paused ? 'paused' : `ETA ${clock(active.etaSeconds)}`;
  return `${name} epoch ${active.epoch}/${active.epochs} ${progress} · ${pace}${then}`;
}

/** The bottom line: what is going on at the left, the two keys everyone needs at the right. */
export function StatusBar({ state }: { state: AppState }) {
  const stopping =
    state.training.active !== undefined ? 'Stopping training; the last completed epoch is kept…' : 'Bye.';
  const left = state.quitting
    ? stopping
    : (state.message ?? trainingLine(state) ?? (state.loading ? 'Loading…' : 'Ready.'));
  const width = state.size.columns;
  const room = Math.max(0, width - HINT.length - 1);
  return (
    <Box height={1} width={width}>
      <Box width={room} flexShrink={0}>
        <Text wrap="truncate-end" dimColor={state.display.colour && state.message === undefined}>
          {left}
        </Text>
      </Box>
      <Box flexGrow={1} justifyContent="flex-end">
        <Text>{HINT}</Text>
      </Box>
    </Box>
  );
}
