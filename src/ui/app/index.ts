/** The app: its state, the commands keys and mouse give, and the controller that carries them out. */
export { App, type AppProps } from './App.js';
export { initialState, VIEWS, CANVAS_SIDE } from './app-state.js';
export type {
  AppState,
  Display,
  Size,
  ViewName,
  LatentPoint,
  Guess,
  DrawState,
  ExplorerState,
  GalleryItem,
  NumbersState,
  ScanState,
} from './app-state.js';
export { createStore, type Store } from './store.js';
export { createController, type Controller, type ControllerOptions } from './controller.js';
export { keyCommand, mouseCommand, KEY_HELP, type Command } from './commands.js';
export { computeLayout, MIN_COLUMNS, MIN_ROWS, type Layout, type Rect } from './layout.js';
export { pageStart, pageSize, slotAt, tileAt, THUMB_SCALE, type GalleryLayout, type Tile } from './gallery-layout.js';
export { TUI_GRID_SIDE } from './new-numbers-runner.js';
export { cellOf, pointAt, LATENT_EXTENT, SMALL_STEP, BIG_STEP } from './latent.js';
export { createMlServices } from './ml-services.js';
export type {
  AppServices,
  Trainer,
  ClassifierHandle,
  VaeHandle,
  ScanOptions,
  ScanProgress,
  ScanResult,
} from './services.js';
