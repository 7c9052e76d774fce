import { Box, Text } from 'ink';
import type { Display } from '../state/index.js';
import { GAP, type Rect } from '../layout/index.js';
import { digitColour } from './digit-palette.js';
import { bar } from './format.js';

/** Rows for one bar per digit; from half as many, two columns of five. */
const ONE_COLUMN_ROWS = 10;
const TWO_COLUMN_ROWS = 5;
/** Around a bar: the mark and digit before it (`>6 `), its percentage after it (` 100%`). */
const BAR_TEXT = 8;
/** Bars longer than this read no better, and leave the eye a long way to travel. */
const MAX_BAR = 30;
/** A column of eighths for the one-line strip, empty to full; plain characters where there is no Unicode. */
const LEVELS = ' ▁▂▃▄▅▆▇█';
const PLAIN_LEVELS = ' .:-=+*#@';

function topDigit(probabilities: Float32Array): number {
  let top = 0;
  for (let d = 1; d < probabilities.length; d++) if (probabilities[d]! > probabilities[top]!) top = d;
  return top;
}

/** `p` as a whole percentage, four characters wide. */
function percentage(p: number): string {
  return `${Math.round(p * 100)}%`.padStart(4);
}

/** One digit's bar: the top one marked `>` and drawn in its colour on the map, the others dimmed. */
function DigitBar({
  digit,
  p,
  top,
  width,
  display,
}: {
  digit: number;
  p: number;
  top: boolean;
  width: number;
  display: Display;
}) {
  const plain = display.graphics === 'ascii';
  const length = Math.max(1, Math.min(MAX_BAR, width - BAR_TEXT));
  const drawn = bar(p, length, plain);
  const coloured = top && display.colour ? `\x1b[${digitColour(digit, display.depth, 'fg')}m${drawn}\x1b[39m` : drawn;
  return (
    <Box width={width} flexShrink={0}>
      <Text wrap="truncate-end" bold={top} dimColor={!top && display.colour}>
        {`${top ? '>' : ' '}${digit} `}
        {coloured}
        {percentage(p)}
      </Text>
    </Box>
  );
}

/** All ten in one line, each digit followed by a column as tall as its probability. */
function strip(probabilities: Float32Array, plain: boolean): string {
  const levels = plain ? PLAIN_LEVELS : LEVELS;
  return Array.from(probabilities, (p, d) => `${d}${levels[Math.round(p * (levels.length - 1))]}`).join('');
}

/**
 * The CNN's ten probabilities for the digit at the cursor, in `rect`: a bar
 * per row where there are ten rows, two columns of five from five rows, and
 * below that one line of little columns.
 */
export function ProbabilityBars({
  probabilities,
  rect,
  display,
}: {
  probabilities: Float32Array;
  rect: Rect;
  display: Display;
}) {
  const top = topDigit(probabilities);
  if (rect.height < TWO_COLUMN_ROWS) {
    if (rect.height === 0) return null;
    return <Text wrap="truncate-end">{strip(probabilities, display.graphics === 'ascii')}</Text>;
  }
  const columns = rect.height >= ONE_COLUMN_ROWS ? 1 : 2;
  const rows = probabilities.length / columns;
  const width = Math.floor((rect.width - GAP * (columns - 1)) / columns);
  return (
    <Box>
      {Array.from({ length: columns }, (_, c) => (
        <Box key={c} flexDirection="column" width={width} marginRight={c < columns - 1 ? GAP : 0} flexShrink={0}>
          {Array.from({ length: rows }, (_, r) => {
            const digit = c * rows + r;
            const p = probabilities[digit]!;
            return <DigitBar key={digit} digit={digit} p={p} top={digit === top} width={width} display={display} />;
          })}
        </Box>
      ))}
    </Box>
  );
}
