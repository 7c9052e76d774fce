/** Charts of training progress. */
export { renderLossChart, downsample, type LossSeries, type LossChartOptions } from './loss-chart.js';
