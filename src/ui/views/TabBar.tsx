import { Box, Text } from 'ink';
import type { ViewName } from '../state/index.js';
import { APP_TITLE, GAP, type Layout } from '../layout/index.js';

/** The title and the four tabs, the active one in brackets (and inverse where colour is on). */
export function TabBar({ view, tabs, colour }: { view: ViewName; tabs: Layout['tabs']; colour: boolean }) {
  return (
    <Box height={1}>
      <Text bold>{APP_TITLE}</Text>
      <Text>{' '.repeat(GAP)}</Text>
      {tabs.map((tab, i) => {
        const active = tab.view === view;
        return (
          <Text key={tab.view}>
            <Text inverse={active && colour}>{active ? `[${tab.label}]` : ` ${tab.label} `}</Text>
            {i < tabs.length - 1 ? ' ' : ''}
          </Text>
        );
      })}
    </Box>
  );
}
