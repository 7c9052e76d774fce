/** Charts of training progress. */
export { renderLossChart, downsample, type LossSeries } from './loss-chart.js';
