/** A block of cells; `row` and `col` are 0-based screen positions. */
export interface Rect {
  row: number;
  col: number;
  width: number;
  height: number;
}
