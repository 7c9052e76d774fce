import { Box, Text } from 'ink';
import type { AppState } from '../state/index.js';
import { GAP, type Layout } from '../layout/index.js';
import { latentPoint, modelName, percent } from './format.js';
import { Lines } from './Lines.js';

function readout(state: AppState): string[] {
  const { guess, encoding, penDown } = state.draw;
  const { cnn, vae } = state.models;
  const reading =
    cnn === undefined
      ? 'CNN untrained: t trains it'
      : guess !== undefined
        ? `${modelName(cnn)} reads ${guess.digit} (${percent(guess.confidence, 0)} sure)`
        : 'Draw a digit for the CNN to read.';
  const where =
    vae === undefined
      ? 'No VAE to place it on the map.'
      : encoding !== undefined
        ? `${modelName(vae)} encodes it at ${latentPoint(encoding)} ${state.display.colour ? '◆' : '*'}`
        : '';
  return [reading, where, `pen ${penDown ? 'down' : 'up'} · space toggles · x clears`];
}

/**
 * Draw: a canvas for mouse or keys, the CNN's reading of it, and where the
 * VAE puts it on the map. Canvas and map are drawn into the blank boxes by
 * `graphicsLayer`.
 */
export function DrawView({ state, layout }: { state: AppState; layout: Layout['draw'] }) {
  const { canvas, panel } = layout;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">Draw a digit: left button inks, right erases; or arrows, hjkl and space.</Text>
      <Box>
        <Box width={canvas.width} height={canvas.height} flexShrink={0} />
        <Box width={GAP} flexShrink={0} />
        <Box flexDirection="column" width={panel.width}>
          <Lines lines={readout(state)} />
        </Box>
      </Box>
    </Box>
  );
}
