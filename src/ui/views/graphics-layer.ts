/**
 * The pictures on screen — latent maps, decoded digits, the drawing canvas —
 * as a pure function of the state. They are drawn beside Ink's frame (see
 * `GraphicsOverlay`), in the boxes the views leave blank for them.
 */
import { insightKey, insightShown, type AppState, type LatentPoint } from '../state/index.js';
import { computeLayout, pageSize, pageStart, THUMB_SCALE, tileAt, type Rect } from '../layout/index.js';
import { digitLines } from './digit-art.js';
import { renderLatentMap, type MapPoints } from './latent-map.js';
import { IMAGE_SIDE } from '../../data/index.js';

/** Text to draw at a box, or a digit for the sixel encoder, `pixelScale` screen pixels per digit pixel. */
export type LayerItem = Rect &
  ({ kind: 'text'; lines: string[] } | { kind: 'digit'; pixels: Float32Array; pixelScale: number });

/**
 * Screen pixels per digit pixel at most: 280×280 px is large on any screen,
 * and larger images take longer to encode than a frame allows.
 */
const MAX_SIXEL_SCALE = 10;

/** Shade of the pen's pixel on blank canvas, so the pen can be seen before it inks. */
const PEN_SHADE = 0.35;

function mapPoints(state: AppState): MapPoints | undefined {
  const { points, labels, encoded } = state.explorer;
  return points && labels ? { points, labels, count: encoded } : undefined;
}

function canvasWithPen(state: AppState): Float32Array {
  const { pixels, pen } = state.draw;
  const shown = pixels.slice();
  const at = Math.floor(pen.y) * IMAGE_SIDE + Math.floor(pen.x);
  shown[at] = Math.max(shown[at]!, PEN_SHADE);
  return shown;
}

/** Screen pixels per digit pixel for a sixel digit filling `box`. */
function sixelScale(box: Rect, state: AppState): number {
  const { cell } = state.display;
  const fit = Math.min(box.width * cell.width, box.height * cell.height);
  return Math.min(MAX_SIXEL_SCALE, Math.max(1, Math.floor(fit / IMAGE_SIDE)));
}

/** A digit in `box`: sixel where the terminal has it, else text at `scale`. */
function digitItem(box: Rect, pixels: Float32Array, scale: number, state: AppState): LayerItem {
  const { display } = state;
  if (display.graphics === 'sixel') return { ...box, kind: 'digit', pixels, pixelScale: sixelScale(box, state) };
  return { ...box, kind: 'text', lines: digitLines(pixels, display.graphics, display.depth, scale) };
}

/** The new numbers the loaded VAE draws: found by the last scan, or named under this VAE. */
function newNumberPoints(state: AppState): LatentPoint[] {
  return state.numbers.items.filter((item) => !item.otherVae).map((item) => item.z);
}

function exploreItems(state: AppState): LayerItem[] {
  const { explore } = computeLayout(state.size);
  const { display, explorer } = state;
  const certain = explorer.layer === 'certainty';
  const lines = renderLatentMap({
    ...explore.map,
    data: mapPoints(state),
    cursor: explorer.cursor,
    display,
    // Without a map (no CNN, or none computed yet) the layer is blank rather than the digits, so it is never mistaken for them.
    ...(certain && {
      certainty: explorer.certainty ?? { columns: 0, rows: 0, values: new Float32Array() },
      marks: newNumberPoints(state),
    }),
  });
  const map: LayerItem = { ...explore.map, kind: 'text', lines };
  if (explorer.digit === undefined) return [map];
  return [map, digitItem(explore.digit, explorer.digit, explore.digitScale, state)];
}

/** The glyphs on the gallery's page that shows the selected one. */
function numbersItems(state: AppState): LayerItem[] {
  const { numbers: layout } = computeLayout(state.size);
  const { items, selected } = state.numbers;
  const start = pageStart(layout, selected);
  return items.slice(start, start + pageSize(layout)).flatMap((item, slot) => {
    if (item.pixels === undefined) return [];
    return [digitItem(tileAt(layout, slot).thumb, item.pixels, THUMB_SCALE, state)];
  });
}

function drawItems(state: AppState): LayerItem[] {
  const { draw } = computeLayout(state.size);
  const { display } = state;
  // The canvas changes with every stroke, so it stays in text even where sixel is available.
  const mode = display.graphics === 'sixel' ? 'blocks' : display.graphics;
  const canvas: LayerItem = {
    ...draw.canvas,
    kind: 'text',
    lines: digitLines(canvasWithPen(state), mode, display.depth, draw.canvasScale),
  };
  if (state.models.vae === undefined) return [canvas];
  const lines = renderLatentMap({ ...draw.map, data: mapPoints(state), marker: state.draw.encoding, display });
  return [canvas, { ...draw.map, kind: 'text', lines }];
}

/** The shown model's digits in the Models view's insight panel, once worked out for the model loaded. */
function modelsItems(state: AppState): LayerItem[] {
  const { models: layout } = computeLayout(state.size);
  const shown = insightShown(state);
  const metadata = state.models[shown];
  const insight = state.insight[shown];
  if (metadata === undefined || insight?.stage !== 'done' || insight.key !== insightKey(metadata)) return [];
  if ('confidentlyWrong' in insight.result) {
    const wrong = insight.result.confidentlyWrong;
    return layout.mistakes.slice(0, wrong.length).map((box, i) => digitItem(box, wrong[i]!.pixels, THUMB_SCALE, state));
  }
  const { examples } = insight.result;
  return layout.pairs
    .slice(0, examples.length)
    .flatMap(({ original, reconstruction }, i) => [
      digitItem(original, examples[i]!.original, THUMB_SCALE, state),
      digitItem(reconstruction, examples[i]!.reconstruction, THUMB_SCALE, state),
    ]);
}

/** What to draw beside the frame for `state`; empty when the screen shows no pictures. */
export function graphicsLayer(state: AppState): LayerItem[] {
  if (state.help || computeLayout(state.size).tooSmall) return [];
  if (state.view === 'explore' && state.models.vae !== undefined) return exploreItems(state);
  if (state.view === 'draw') return drawItems(state);
  if (state.view === 'models' && !state.loading) return modelsItems(state);
  if (state.view === 'numbers' && state.models.vae !== undefined && state.models.cnn !== undefined) {
    return numbersItems(state);
  }
  return [];
}
