import { Box, Text } from 'ink';
import { KEY_HELP } from '../keymap/index.js';
import { GAP } from '../layout/index.js';

type HelpSection = (typeof KEY_HELP)[number];

const KEY_WIDTH = 24;
/** Lines the help takes in one column: a heading and its keys per section, plus the title. */
const ONE_COLUMN_LINES = 1 + KEY_HELP.reduce((lines, s) => lines + 1 + s.keys.length, 0);
/** The indent before a key and the least space after it. */
const KEY_PADDING = 3;

/** Just wide enough for the longest key in `sections`, which leaves half a screen the most room for the rest. */
function widestKey(sections: HelpSection[]): number {
  return KEY_PADDING + Math.max(...sections.flatMap((s) => s.keys.map(([key]) => [...key].length)));
}

function Section({ section, keys, keyWidth = KEY_WIDTH }: HelpSection & { keyWidth?: number }) {
  return (
    <Box flexDirection="column">
      <Text bold>{section}</Text>
      {keys.map(([key, what]) => (
        <Box key={key}>
          <Box width={keyWidth} flexShrink={0}>
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
  const columnWidth = Math.floor((width - GAP) / 2);
  return (
    <Box flexDirection="column">
      {title}
      <Box>
        {[KEY_HELP.slice(0, half), KEY_HELP.slice(half)].map((column, i) => (
          <Box key={i} flexDirection="column" width={columnWidth} marginRight={i === 0 ? GAP : 0}>
            {column.map((s) => (
              <Section key={s.section} {...s} keyWidth={widestKey(column)} />
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
