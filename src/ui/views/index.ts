/** The screens of the app, each a pure function of the app state, and the pictures drawn beside them. */
export { Screen } from './Screen.js';
export { graphicsLayer, type LayerItem } from './graphics-layer.js';
export { digitLines } from './digit-art.js';
export { renderLatentMap, majorityGrid, type MapPoints, type LatentMapOptions } from './latent-map.js';
