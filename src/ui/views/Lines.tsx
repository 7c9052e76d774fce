import { Box, Text } from 'ink';

/** Pre-rendered lines (they may hold colour codes), one `<Text>` each, cut rather than wrapped. */
export function Lines({ lines, width }: { lines: string[]; width?: number }) {
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
