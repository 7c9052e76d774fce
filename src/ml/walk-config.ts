/**
 * The defaults of a latent walk, shared by `mnist-tui walk` and the app's recording.
 * Imports nothing, so the CLI's help can show them without loading anything heavy.
 */

/** Frames of `walk` without --frames: two seconds at the default delay is enough to read each caption. */
export const DEFAULT_WALK_FRAMES = 48;

/** Digit upscaling of a walk's frames: 112 px a side keeps a 48-frame GIF near 100 KB. */
export const DEFAULT_WALK_SCALE = 4;

/** Milliseconds per frame without --delay: slow enough to read the caption, fast enough to see the morph. */
export const DEFAULT_WALK_DELAY_MS = 80;

/** The most points in a walk the app's recording keeps; a longer path is thinned to this many frames. */
export const MAX_RECORDED_FRAMES = 240;
