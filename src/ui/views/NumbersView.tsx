import { Box, Text } from 'ink';
// The module itself, not the folder's index, which loads TensorFlow.js (its glyph measures) before the first frame.
import { visibleName } from '../../ml/new-numbers/number-name.js';
import type { AppState, GalleryItem } from '../state/index.js';
import { pageSize, pageStart, TILE_GAP, tileAt, type GalleryLayout } from '../layout/index.js';
import { bar, count, latentPoint, percent, utcMinute } from './format.js';

/** Cells of the scan's progress bar. */
const PROGRESS_WIDTH = 20;

/** What stops the view, in words, with the key that fixes it; `undefined` once both models are here. */
function missingModels(state: AppState): string | undefined {
  const { cnn, vae } = state.models;
  if (cnn !== undefined && vae !== undefined) return undefined;
  if (state.loading) return 'Looking for the models…';
  const missing = [
    ...(vae === undefined ? ['no VAE yet (v trains it)'] : []),
    ...(cnn === undefined ? ['no CNN yet (t trains it)'] : []),
  ];
  const both = missing.length === 2 ? '; a trains both' : '';
  return `New numbers need a VAE to draw glyphs and a CNN to judge them: ${missing.join(', ')}${both}.`;
}

function progress(done: number, total: number, colour: boolean): string {
  if (total === 0) return '';
  return `${count(done)}/${count(total)} ${bar(done / total, PROGRESS_WIDTH, !colour)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The scan's progress or result, and which page is shown. */
function header(state: AppState, layout: GalleryLayout): string {
  const { scan, items, selected } = state.numbers;
  const named = items.filter((item) => item.name !== undefined).length;
  const alsoNamed = named > 0 ? ` · ${named} named` : '';
  const pages = Math.ceil(items.length / pageSize(layout));
  const page = pages > 1 ? ` · page ${Math.floor(selected / pageSize(layout)) + 1}/${pages}` : '';
  switch (scan.stage) {
    case 'none':
      return 'Scanning…';
    case 'stale':
      return `The models changed since the last scan: r scans again${alsoNamed}${page}`;
    case 'encoding':
      return `Encoding the test set… ${progress(scan.done, scan.total, state.display.colour)}`;
    case 'scanning':
      return `Scanning the latent plane… ${progress(scan.done, scan.total, state.display.colour)}`;
    case 'failed':
      return `The scan failed: ${scan.error}; r tries again`;
    case 'done': {
      const found = items.filter((item) => item.candidate !== undefined).length;
      if (found === 0)
        return `None of ${count(scan.points)} glyphs is a new number; r samples between them${alsoNamed}${page}`;
      return `${plural(found, 'glyph')} the CNN cannot name, of ${count(scan.points)} scanned${alsoNamed}${page}`;
    }
  }
}

function label(item: GalleryItem, index: number): string {
  return item.name ?? `#${index + 1}`;
}

/** Everything known about the selected glyph, in one line. */
function detail(item: GalleryItem | undefined, index: number): string {
  if (item === undefined) return '';
  const parts = [`${label(item, index)} at z = ${latentPoint(item.z)}`];
  if (item.candidate !== undefined) {
    const [first, second] = item.candidate.guesses;
    parts.push(
      `CNN ${first.digit} ${percent(first.probability, 0)}, ${second.digit} ${percent(second.probability, 0)}`,
      `score ${item.candidate.score.toFixed(2)}`,
    );
  }
  if (item.namedAt !== undefined) parts.push(`named ${utcMinute(item.namedAt)}`);
  if (item.otherVae) parts.push('named under another VAE, which drew something else here');
  return parts.join(' · ');
}

function hint(state: AppState): string {
  const { naming, items } = state.numbers;
  // Typed text is shown with hidden characters spelt out, so a bidi override cannot turn the line round.
  if (naming !== undefined) {
    return `Name: ${visibleName(naming)}${state.display.colour ? '█' : '_'}  Enter saves · Esc cancels`;
  }
  return items.length > 0 ? 'Enter explores it · n names it · r scans again' : '';
}

/** A tile's caption: its name or number, in brackets (and inverse where colour is on) when selected. */
function Caption({
  text,
  selected,
  width,
  colour,
}: {
  text: string;
  selected: boolean;
  width: number;
  colour: boolean;
}) {
  const room = [...text].length > width - 2 ? `${[...text].slice(0, width - 3).join('')}…` : text;
  return (
    <Box width={width} marginRight={TILE_GAP} flexShrink={0}>
      <Text wrap="truncate-end" inverse={selected && colour}>
        {selected ? `[${room}]` : ` ${room} `}
      </Text>
    </Box>
  );
}

/**
 * New numbers: the gallery of glyphs the CNN cannot name, and those people
 * named, a page at a time around the selected one. The glyphs are drawn
 * into the blank boxes by `graphicsLayer`.
 */
export function NumbersView({ state, layout }: { state: AppState; layout: GalleryLayout }) {
  const missing = missingModels(state);
  if (missing !== undefined) return <Text wrap="wrap">{missing}</Text>;
  const { items, selected } = state.numbers;
  const start = pageStart(layout, selected);
  const page = items.slice(start, start + pageSize(layout));
  const rows = Array.from({ length: Math.ceil(page.length / layout.columns) }, (_, r) =>
    page.slice(r * layout.columns, (r + 1) * layout.columns),
  );
  const { thumb, caption } = tileAt(layout, 0);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">{header(state, layout)}</Text>
      <Box flexDirection="column" flexShrink={0}>
        {rows.map((row, r) => (
          <Box key={r} flexDirection="column" flexShrink={0}>
            <Box height={thumb.height} flexShrink={0} />
            <Box height={caption.height}>
              {row.map((item, c) => {
                const index = start + r * layout.columns + c;
                return (
                  <Caption
                    key={c}
                    text={label(item, index)}
                    selected={index === selected}
                    width={caption.width}
                    colour={state.display.colour}
                  />
                );
              })}
            </Box>
          </Box>
        ))}
      </Box>
      <Text wrap="truncate-end">{detail(items[selected], selected)}</Text>
      <Text wrap="truncate-end">{hint(state)}</Text>
    </Box>
  );
}
