/** The screens of the app, each a pure function of the app state, and the pictures drawn beside them. */
export { Screen } from './Screen.js';
export { graphicsLayer, type LayerItem } from './graphics-layer.js';
