import { Box, Text } from 'ink';
import type { AppState } from '../state/index.js';
import { GAP, type Layout } from '../layout/index.js';
import { certaintyScale } from './certainty-palette.js';
import { colouredDigit } from './digit-palette.js';
import { count, latentPoint, metric, modelName, percent } from './format.js';
import { ProbabilityBars } from './ProbabilityBars.js';

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

function digitsTitle(state: AppState): string {
  const { encoded, total } = state.explorer;
  if (total === 0) return 'waiting for the test images…';
  if (encoded < total) return `encoding ${count(encoded)}/${count(total)} test images…`;
  const { vae } = state.models;
  const shipped = vae?.origin === 'pretrained' ? ` · ${modelName(vae)}, ${metric(vae.metrics)}` : '';
  return `${count(total)} test images by digit${shipped}`;
}

function certaintyTitle(state: AppState): string {
  if (state.models.cnn === undefined) return 'certainty needs a CNN: t trains one';
  const progress = state.explorer.certaintyProgress;
  if (progress !== undefined) return `how sure the CNN is: ${percent(progress.done / progress.total, 0)} decoded…`;
  return 'how sure the CNN is of each glyph';
}

function title(state: AppState): string {
  if (state.models.vae === undefined) {
    return state.loading
      ? 'Looking for a VAE…'
      : 'No VAE yet: press v to train one (a trains both); the latent map appears after its first epoch.';
  }
  return state.explorer.layer === 'certainty' ? certaintyTitle(state) : digitsTitle(state);
}

function legend(state: AppState): string {
  const { colour, depth } = state.display;
  if (state.explorer.layer === 'certainty') {
    return `${certaintyScale(colour, depth)} ${colour ? '◆' : '*'} new`;
  }
  if (!colour) return 'most common digit; + cursor';
  return `${DIGITS.map((d) => colouredDigit(d, depth)).join(' ')}  ╋ cursor`;
}

function guessLine(state: AppState): string {
  const { guess } = state.explorer;
  if (guess !== undefined && state.models.cnn !== undefined) {
    return `${modelName(state.models.cnn)} reads ${guess.digit} (${percent(guess.confidence, 0)} sure)`;
  }
  return state.models.cnn === undefined ? 'CNN untrained: t trains it' : '';
}

/**
 * Explore: the latent map with its cursor, and beside it the digit decoded
 * there with the CNN's ten probabilities. Map and digit are drawn into the
 * blank boxes by `graphicsLayer`; `u` colours the map by how sure the CNN is.
 */
export function ExploreView({ state, layout }: { state: AppState; layout: Layout['explore'] }) {
  const { explorer } = state;
  const { map, panel, digit, bars } = layout;
  if (state.models.vae === undefined) return <Text wrap="wrap">{title(state)}</Text>;
  return (
    <Box>
      <Box flexDirection="column" width={map.width} flexShrink={0}>
        <Text wrap="truncate-end">{title(state)}</Text>
        <Box height={map.height} flexShrink={0} />
        <Text wrap="truncate-end">{legend(state)}</Text>
      </Box>
      <Box width={GAP} flexShrink={0} />
      <Box flexDirection="column" width={panel.width}>
        <Box height={explorer.digit === undefined ? 0 : digit.height} flexShrink={0} />
        <Text wrap="truncate-end">z = {latentPoint(explorer.cursor)}</Text>
        <Text wrap="truncate-end">{guessLine(state)}</Text>
        {explorer.digit !== undefined && explorer.probabilities !== undefined && (
          <ProbabilityBars probabilities={explorer.probabilities} rect={bars} display={state.display} />
        )}
      </Box>
    </Box>
  );
}
