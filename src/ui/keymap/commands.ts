/**
 * What a person can ask of the app, and which key or mouse report asks it.
 * Both mappings are pure; the controller carries the commands out.
 */
import type { ModelName } from '../../config.js';
import type { MouseEvent } from '../input/index.js';
import type { Key } from '../terminal/index.js';
import { computeLayout, pageStart, pointAt, slotAt, type Rect } from '../layout/index.js';
import { VIEWS, type AppState, type LatentPoint, type ViewName } from '../state/index.js';
import { IMAGE_SIDE } from '../../data/index.js';

export type Command =
  | { type: 'view'; view: ViewName }
  | { type: 'cycle-view'; step: 1 | -1 }
  | { type: 'help'; open: boolean }
  | { type: 'quit'; code: number }
  | { type: 'train'; models: ModelName[] }
  | { type: 'pause' }
  | { type: 'cancel' }
  | { type: 'move'; dx: number; dy: number }
  | { type: 'point'; z: LatentPoint }
  /** Switches the explorer's map between the test digits and the CNN's certainty. */
  | { type: 'map-layer' }
  | { type: 'pen-move'; dx: number; dy: number }
  | { type: 'pen-toggle' }
  | { type: 'paint'; x: number; y: number; ink: boolean }
  | { type: 'clear-canvas' }
  | { type: 'glyph-select'; index: number }
  | { type: 'glyph-explore' }
  | { type: 'rescan' }
  | { type: 'record' }
  | { type: 'name-start' }
  | { type: 'name-edit'; text: string }
  | { type: 'name-save' }
  | { type: 'name-cancel' }
  | { type: 'insight-switch' };

/** Exit code of a quit by Ctrl-C, as a shell reports SIGINT. */
const CTRL_C_EXIT_CODE = 130;
/** Explore's cursor step of an arrow key, and of Shift+arrow or a capital hjkl, in latent units. */
const SMALL_STEP = 0.1;
const BIG_STEP = 0.5;
/** How far Shift moves the drawing pen, in pixels. */
const BIG_PEN_STEP = 4;

/** The keys listed by the help overlay, in the order shown. */
export const KEY_HELP: { section: string; keys: [string, string][] }[] = [
  {
    section: 'Anywhere',
    keys: [
      ['1 2 3 4 5', 'Models, Train, Explore, Draw, New numbers'],
      ['Tab Shift-Tab', 'next / previous view'],
      ['t v a', 'train the CNN, the VAE, or both in turn'],
      ['?', 'this help (any key closes it)'],
      ['q Ctrl-C', 'quit (stops training, keeping the last epoch)'],
    ],
  },
  {
    section: 'Models',
    keys: [['i', "switch between the CNN's and the VAE's test-set insight"]],
  },
  {
    section: 'Train',
    keys: [
      ['p', 'pause / resume'],
      ['c Esc', 'cancel, keeping the last completed epoch'],
    ],
  },
  {
    section: 'Explore',
    keys: [
      ['← ↓ ↑ → h j k l', `move the cursor by ${SMALL_STEP}`],
      ['Shift-arrows H J K L', `move by ${BIG_STEP}`],
      ['0', 'back to the centre'],
      ['r', 'record a walk; r again saves a GIF'],
      ['u', 'map: test digits / how sure the CNN is'],
      ['mouse', 'hover or click the map'],
    ],
  },
  {
    section: 'Draw',
    keys: [
      ['arrows h j k l', 'move the pen (Shift: faster)'],
      ['space', 'pen down / up'],
      ['x', 'clear the canvas'],
      ['mouse', 'left button draws, right erases'],
    ],
  },
  {
    section: 'New numbers',
    keys: [
      ['arrows h j k l', 'select a glyph'],
      ['Enter', 'open it in Explore'],
      ['n', 'name it: type, Enter saves, Esc cancels'],
      ['r', 'scan again, between the last points'],
      ['mouse', 'click a glyph to select it'],
    ],
  },
];

const ARROW_STEPS: Record<string, [number, number]> = { left: [-1, 0], right: [1, 0], up: [0, 1], down: [0, -1] };
const HJKL_STEPS: Record<string, [number, number]> = { h: [-1, 0], l: [1, 0], k: [0, 1], j: [0, -1] };

/** Direction and size of a move key, y up; `undefined` for other keys. */
function moveOf(key: Key): { dx: number; dy: number; big: boolean } | undefined {
  const arrow = ARROW_STEPS[key.name];
  if (arrow !== undefined) return { dx: arrow[0], dy: arrow[1], big: key.shift };
  if (key.name !== 'char') return undefined;
  const letter = HJKL_STEPS[key.char.toLowerCase()];
  return letter === undefined ? undefined : { dx: letter[0], dy: letter[1], big: key.char !== key.char.toLowerCase() };
}

function viewKey(state: AppState, key: Key): Command | undefined {
  const move = moveOf(key);
  switch (state.view) {
    case 'train':
      if (key.name === 'char' && key.char === 'p') return { type: 'pause' };
      if (key.name === 'escape' || (key.name === 'char' && key.char === 'c')) return { type: 'cancel' };
      return undefined;
    case 'explore':
      if (move !== undefined) {
        const step = move.big ? BIG_STEP : SMALL_STEP;
        return { type: 'move', dx: move.dx * step, dy: move.dy * step };
      }
      if (key.name === 'char' && key.char === '0') return { type: 'point', z: [0, 0] };
      if (key.name === 'char' && key.char === 'r') return { type: 'record' };
      if (key.name === 'char' && key.char === 'u') return { type: 'map-layer' };
      return undefined;
    case 'draw':
      if (move !== undefined) {
        const step = move.big ? BIG_PEN_STEP : 1;
        // The canvas's y grows downwards.
        return { type: 'pen-move', dx: move.dx * step, dy: -move.dy * step };
      }
      if (key.name === 'char' && key.char === ' ') return { type: 'pen-toggle' };
      if (key.name === 'char' && key.char === 'x') return { type: 'clear-canvas' };
      return undefined;
    case 'numbers': {
      const { selected } = state.numbers;
      if (move !== undefined) {
        // The reducer keeps the selection within the gallery.
        const { columns } = computeLayout(state.size).numbers;
        return { type: 'glyph-select', index: selected + move.dx - move.dy * columns };
      }
      if (key.name === 'return') return { type: 'glyph-explore' };
      if (key.name === 'char' && key.char === 'n') return { type: 'name-start' };
      if (key.name === 'char' && key.char === 'r') return { type: 'rescan' };
      return undefined;
    }
    case 'models':
      if (key.name === 'char' && key.char === 'i') return { type: 'insight-switch' };
      return undefined;
  }
}

/** Keys while a name is typed: every printable one is part of it, so q or 5 do not leave. */
function namingKey(naming: string, key: Key): Command | undefined {
  if (key.name === 'return') return { type: 'name-save' };
  if (key.name === 'escape') return { type: 'name-cancel' };
  if (key.name === 'backspace') return { type: 'name-edit', text: [...naming].slice(0, -1).join('') };
  if (key.name === 'char' && !key.ctrl) return { type: 'name-edit', text: naming + key.char };
  return undefined;
}

const TRAIN_KEYS: Record<string, ModelName[]> = { t: ['cnn'], v: ['vae'], a: ['cnn', 'vae'] };

/** The command `key` gives in `state`, or `undefined` if it means nothing there. */
export function keyCommand(state: AppState, key: Key): Command | undefined {
  if (key.ctrl && key.char === 'c') return { type: 'quit', code: CTRL_C_EXIT_CODE };
  if (state.numbers.naming !== undefined) return namingKey(state.numbers.naming, key);
  if (key.name === 'char' && key.char === 'q') return { type: 'quit', code: 0 };
  if (state.help) return { type: 'help', open: false };
  if (computeLayout(state.size).tooSmall) return undefined;
  if (key.name === 'char' && key.char === '?') return { type: 'help', open: true };
  if (key.name === 'tab') return { type: 'cycle-view', step: 1 };
  if (key.name === 'backtab') return { type: 'cycle-view', step: -1 };
  const view = VIEWS[Number(key.char) - 1];
  if (key.name === 'char' && view !== undefined) return { type: 'view', view };
  const local = viewKey(state, key);
  if (local !== undefined) return local;
  const models = key.name === 'char' ? TRAIN_KEYS[key.char] : undefined;
  return models === undefined ? undefined : { type: 'train', models };
}

function inside(rect: Rect, x: number, y: number): boolean {
  return x >= rect.col && x < rect.col + rect.width && y >= rect.row && y < rect.row + rect.height;
}

/** The command a mouse report gives in `state`, or `undefined`. */
export function mouseCommand(state: AppState, event: MouseEvent): Command | undefined {
  const layout = computeLayout(state.size);
  // While a name is typed, a click elsewhere would leave the input open on another view.
  if (state.help || layout.tooSmall || state.numbers.naming !== undefined) return undefined;
  if (event.kind === 'down' && event.button === 0) {
    const tab = layout.tabs.find((t) => inside(t.rect, event.x, event.y));
    if (tab !== undefined) return { type: 'view', view: tab.view };
  }
  if (state.view === 'explore') {
    const { map } = layout.explore;
    const pointing = event.kind === 'move' || event.kind === 'down';
    if (!pointing || !inside(map, event.x, event.y)) return undefined;
    return {
      type: 'point',
      z: pointAt(event.x - map.col, event.y - map.row, { columns: map.width, rows: map.height }),
    };
  }
  if (state.view === 'draw') {
    const { canvas, canvasScale } = layout.draw;
    const drawing = (event.kind === 'move' || event.kind === 'down') && (event.button === 0 || event.button === 2);
    if (!drawing || !inside(canvas, event.x, event.y)) return undefined;
    // A cell is one pixel wide and two tall at scale 1; aim at its centre.
    const x = (event.x - canvas.col + 0.5) / canvasScale;
    const y = ((event.y - canvas.row + 0.5) * 2) / canvasScale;
    return { type: 'paint', x: Math.min(x, IMAGE_SIDE), y: Math.min(y, IMAGE_SIDE), ink: event.button === 0 };
  }
  if (state.view === 'numbers' && event.kind === 'down' && event.button === 0) {
    const slot = slotAt(layout.numbers, event.x, event.y);
    if (slot === undefined) return undefined;
    const index = pageStart(layout.numbers, state.numbers.selected) + slot;
    return index < state.numbers.items.length ? { type: 'glyph-select', index } : undefined;
  }
  return undefined;
}
