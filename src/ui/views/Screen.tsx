import { Box } from 'ink';
import type { AppState } from '../state/index.js';
import { computeLayout } from '../layout/index.js';
import { DrawView } from './DrawView.js';
import { ExploreView } from './ExploreView.js';
import { HelpOverlay } from './HelpOverlay.js';
import { ModelsView } from './ModelsView.js';
import { NumbersView } from './NumbersView.js';
import { StatusBar } from './StatusBar.js';
import { TabBar } from './TabBar.js';
import { TooSmall } from './TooSmall.js';
import { TrainView } from './TrainView.js';

function Body({ state }: { state: AppState }) {
  const layout = computeLayout(state.size);
  if (state.help) return <HelpOverlay height={layout.body.height} width={layout.body.width} />;
  switch (state.view) {
    case 'models':
      return <ModelsView state={state} layout={layout.models} />;
    case 'train':
      return <TrainView state={state} height={layout.body.height} />;
    case 'explore':
      return <ExploreView state={state} layout={layout.explore} />;
    case 'draw':
      return <DrawView state={state} layout={layout.draw} />;
    case 'numbers':
      return <NumbersView state={state} layout={layout.numbers} />;
  }
}

/** The whole screen for `state`: tab bar, the active view (or help) and the status bar. */
export function Screen({ state }: { state: AppState }) {
  const layout = computeLayout(state.size);
  if (layout.tooSmall) return <TooSmall size={state.size} />;
  return (
    <Box flexDirection="column" width={state.size.columns} height={layout.frameRows} overflow="hidden">
      <TabBar view={state.view} tabs={layout.tabs} colour={state.display.colour} />
      <Box height={layout.body.height} flexDirection="column" overflow="hidden">
        <Body state={state} />
      </Box>
      <StatusBar state={state} />
    </Box>
  );
}
