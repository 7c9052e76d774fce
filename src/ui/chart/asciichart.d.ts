/** The part of asciichart 1.5 (which ships no types) that this folder uses. */
declare module 'asciichart' {
  export interface PlotConfig {
    min?: number;
    max?: number;
    /** Rows spanned by the data; the chart has about `height + 1` lines. */
    height?: number;
    /** Columns before the first data point; the axis is drawn in column `offset - 1`. */
    offset?: number;
    padding?: string;
    /** One SGR colour prefix per series, cycled. */
    colors?: string[];
    symbols?: string[];
    /** Formats a y-axis label; `index` is the row from the top. */
    format?: (value: number, index: number) => string;
  }
  /** `char` wrapped in `color` and a reset; unchanged when `color` is undefined. */
  export function colored(char: string, color: string | undefined): string;
  export function plot(series: number[] | number[][], cfg?: PlotConfig): string;
  export const reset: string;
  export const blue: string;
  export const green: string;
  export const yellow: string;
  export const magenta: string;
  export const cyan: string;
  export const red: string;
}
