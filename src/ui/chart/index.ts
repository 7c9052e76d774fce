/** Charts of training progress: the Train view's loss chart, and loss sparklines. */
export { renderLossChart, downsample, type LossSeries } from './loss-chart.js';
export { sparkline } from './sparkline.js';
