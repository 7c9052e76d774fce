import { Box, Text } from 'ink';
import type { ModelName } from '../../config.js';
import type { AppState } from '../state/index.js';
import type { ModelsLayout } from '../layout/index.js';
import { count, savedModelLine } from './format.js';
import { insightPanelLines } from './insight-panel.js';
import { Lines } from './Lines.js';

const LABEL_WIDTH = 9;
const MODEL_NAMES: Record<ModelName, string> = { cnn: 'CNN', vae: 'VAE' };

function Field({ label, children }: { label: string; children: string }) {
  return (
    <Box>
      <Box width={LABEL_WIDTH} flexShrink={0}>
        <Text bold>{label}</Text>
      </Box>
      <Text wrap="truncate-end">{children}</Text>
    </Box>
  );
}

/** One model's state in words: training, waiting, trained (with metric and date), unusable or untrained. */
function modelState(state: AppState, model: ModelName): string {
  const { active, queue } = state.training;
  if (active?.model === model) {
    return active.epoch === 0 ? 'training · starting' : `training · epoch ${active.epoch}/${active.epochs}`;
  }
  if (queue.includes(model)) return 'waiting to train';
  const metadata = state.models[model];
  if (metadata !== undefined) return savedModelLine(metadata);
  const unusable = state.unusable[model];
  if (unusable !== undefined) return `unusable: ${unusable}`;
  return state.loading ? 'looking…' : 'untrained';
}

/** Said in place of the insight panel while there is nothing to judge. */
function advice(state: AppState): string | undefined {
  if (state.loading) return '';
  const { cnn, vae } = state.models;
  if (cnn === undefined && vae === undefined) {
    return `No trained models in ${state.modelsDir} yet. Press a to train both (t the CNN, v the VAE); training runs in the background.`;
  }
  return undefined;
}

/**
 * Models: the data, the backend, each model's state, then the insight panel into
 * one of them (i switches), and the keys to act.
 */
export function ModelsView({ state, layout }: { state: AppState; layout: ModelsLayout }) {
  const { dataset } = state;
  const data = dataset
    ? `${dataset.source} · ${count(dataset.train)} training / ${count(dataset.test)} test images`
    : state.loading
      ? 'loading…'
      : 'not loaded';
  const instead = advice(state);
  return (
    <Box flexDirection="column" paddingTop={1}>
      <Field label="Dataset">{data}</Field>
      <Field label="Backend">{state.backend ?? (state.loading ? 'starting…' : 'did not start')}</Field>
      <Field label="Models">{state.modelsDir}</Field>
      <Box flexDirection="column" paddingLeft={2} paddingBottom={1}>
        {(['cnn', 'vae'] as const).map((model) => (
          <Field key={model} label={MODEL_NAMES[model]}>
            {modelState(state, model)}
          </Field>
        ))}
      </Box>
      <Box height={layout.panel.height} flexDirection="column" overflow="hidden">
        {instead === undefined ? (
          <Lines lines={insightPanelLines(state, layout)} width={layout.panel.width} />
        ) : (
          <Text wrap="wrap">{instead}</Text>
        )}
      </Box>
      <Box paddingTop={1}>
        <Field label="Keys">t v a train CNN, VAE, both · i CNN/VAE insight · ? help · q quit</Field>
      </Box>
    </Box>
  );
}
