/**
 * The app's state: one plain value (`AppState`), the pure reducer that
 * changes it, and the store that holds it. Pure values and functions only:
 * no I/O, no geometry, no React.
 */
export { initialState, insightKey, insightShown, VIEWS } from './app-state.js';
export type {
  AppState,
  CertaintyMap,
  Display,
  DrawState,
  EpochResult,
  GalleryItem,
  Guess,
  LatentPoint,
  ModelInsight,
  Size,
  TrainingRun,
  ViewName,
} from './app-state.js';
export { createStore, type Store } from './store.js';
export { hasInk, stroke } from './canvas.js';
export { galleryItems } from './gallery.js';
