/**
 * Layout shuffles in plain JS over wasm-heap views, for the moves the stock wasm Transpose does
 * slowly (it takes ~3 ns an element where these take ~1).
 */

/** Rows of `a` handled together, so reads stay in a few cache lines while writes stream. */
const BLOCK = 8;

/**
 * [outer, middle, inner] → [inner, middle, outer]. With middle = 1 this is a matrix transpose;
 * NHWC [b, h·w, c] → [c, h·w, b] makes the batch the innermost (channel) axis.
 */
export function swapOuterInner(
  src: Float32Array,
  dst: Float32Array,
  outer: number,
  middle: number,
  inner: number,
): void {
  const srcOuterStride = middle * inner;
  for (let a0 = 0; a0 < outer; a0 += BLOCK) {
    const a1 = Math.min(a0 + BLOCK, outer);
    for (let m = 0; m < middle; m++) {
      for (let c = 0; c < inner; c++) {
        let to = (c * middle + m) * outer + a0;
        let from = a0 * srcOuterStride + m * inner + c;
        for (let a = a0; a < a1; a++, from += srcOuterStride) dst[to++] = src[from];
      }
    }
  }
}
