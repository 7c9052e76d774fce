/**
 * A filter [kh, kw, in, out] turned around: flipped in both spatial axes with in and out
 * swapped, [kh, kw, out, in]. A stride-1 convolution of the output gradient with it, padded by
 * filter − 1 − the forward padding, is the input gradient.
 */
export function turnFilter(
  src: Float32Array,
  dst: Float32Array,
  [height, width, inChannels, outChannels]: readonly number[],
): void {
  const taps = height * width;
  for (let t = 0; t < taps; t++) {
    const from = (taps - 1 - t) * inChannels * outChannels; // (kh, kw) reversed row-major = flipped
    const to = t * outChannels * inChannels;
    for (let i = 0; i < inChannels; i++) {
      for (let o = 0; o < outChannels; o++) dst[to + o * inChannels + i] = src[from + i * outChannels + o];
    }
  }
}
