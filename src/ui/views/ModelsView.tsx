import { Box, Text } from 'ink';
import type { ModelName } from '../../config.js';
import type { AppState } from '../state/index.js';
import { count, savedModelLine } from './format.js';

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

function advice(state: AppState): string {
  if (state.loading) return '';
  const { cnn, vae } = state.models;
  if (cnn === undefined && vae === undefined) {
    return `No trained models in ${state.modelsDir} yet. Press a to train both (t the CNN, v the VAE); training runs in the background.`;
  }
  if (vae === undefined) return 'No VAE yet: press v to train one, then 3 explores its latent plane.';
  if (cnn === undefined) return '3 explores the latent plane. Press t to train the CNN, which reads the digits.';
  const keys = '3 explores the latent plane; 4 lets the CNN read a digit you draw; 5 finds new numbers.';
  const shipped = cnn.origin === 'pretrained' || vae.origin === 'pretrained';
  return shipped ? `${keys} The pretrained models shipped with mnist-tui stand in until you train your own.` : keys;
}

/** Models: the data, the backend, each model's state and the keys to act. */
export function ModelsView({ state }: { state: AppState }) {
  const { dataset } = state;
  const data = dataset
    ? `${dataset.source} · ${count(dataset.train)} training / ${count(dataset.test)} test images`
    : state.loading
      ? 'loading…'
      : 'not loaded';
  return (
    <Box flexDirection="column" paddingTop={1}>
      <Field label="Dataset">{data}</Field>
      <Field label="Backend">{state.backend ?? (state.loading ? 'starting…' : 'did not start')}</Field>
      <Field label="Models">{state.modelsDir}</Field>
      <Box flexDirection="column" paddingLeft={2} paddingY={1}>
        {(['cnn', 'vae'] as const).map((model) => (
          <Field key={model} label={MODEL_NAMES[model]}>
            {modelState(state, model)}
          </Field>
        ))}
      </Box>
      <Text wrap="wrap">{advice(state)}</Text>
      <Box paddingTop={1}>
        <Field label="Keys">t train CNN · v train VAE · a both · 1-5 views · ? help · q quit</Field>
      </Box>
    </Box>
  );
}
