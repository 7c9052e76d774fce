import { Box, Text } from 'ink';
import { KEY_HELP } from '../app/commands.js';

const KEY_WIDTH = 24;
/** Lines the help takes in one column: a heading and its keys per section, plus the title. */
const ONE_COLUMN_LINES = 1 + KEY_HELP.reduce((lines, s) => lines + 1 + s.keys.length, 0);

function Section({ section, keys }: (typeof KEY_HELP)[number]) {
  return (
    <Box flexDirection="column">
      <Text bold>{section}</Text>
      {keys.map(([key, what]) => (
        <Box key={key}>
          <Box width={KEY_WIDTH} flexShrink={0}>
            <Text wrap="truncate-end">{`  ${key}`}</Text>
          </Box>
          <Text wrap="truncate-end">{what}</Text>
        </Box>
      ))}
    </Box>
  );
}

/** Every key, in one column when the body is tall enough, else in two. */
export function HelpOverlay({ height, width }: { height: number; width: number }) {
  const title = <Text bold>Keys (any key closes this)</Text>;
  if (height >= ONE_COLUMN_LINES) {
    return (
      <Box flexDirection="column">
        {title}
        {KEY_HELP.map((s) => (
          <Section key={s.section} {...s} />
        ))}
      </Box>
    );
  }
  const half = Math.ceil(KEY_HELP.length / 2);
  const columnWidth = Math.floor(width / 2);
  return (
    <Box flexDirection="column">
      {title}
      <Box>
        {[KEY_HELP.slice(0, half), KEY_HELP.slice(half)].map((column, i) => (
          <Box key={i} flexDirection="column" width={columnWidth}>
            {column.map((s) => (
              <Section key={s.section} {...s} />
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
