import { Box, Text } from 'ink';
import type { Size } from '../state/index.js';
import { MIN_COLUMNS, MIN_ROWS } from '../layout/index.js';

/** All there is to say when the window cannot hold the app. */
export function TooSmall({ size }: { size: Size }) {
  return (
    <Box flexDirection="column" width={size.columns}>
      <Text wrap="wrap">
        The window is too small: {size.columns}×{size.rows}, and mnist-tui needs at least {MIN_COLUMNS}×{MIN_ROWS}.
      </Text>
      <Text wrap="wrap">Make it larger, or press q to quit.</Text>
    </Box>
  );
}
