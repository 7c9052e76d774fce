/** The part of gifenc 1.0 (which ships no types, and only a default export to ESM) that this folder uses. */
declare module 'gifenc' {
  export interface FrameOptions {
    /** The colour table, `[r, g, b]` bytes per entry; required on the first frame, which makes it global. */
    palette?: number[][];
    /** How long the frame shows, in milliseconds (stored in hundredths of a second). */
    delay?: number;
    /** 0 loops forever, -1 plays once, n > 0 repeats n times; read on the first frame. */
    repeat?: number;
  }
  export interface GifStream {
    /** Writes one frame of palette indices, [height * width] row-major. */
    writeFrame(index: Uint8Array, width: number, height: number, options?: FrameOptions): void;
    /** Writes the trailer; call once, after the last frame. */
    finish(): void;
    /** A copy of the bytes written so far. */
    bytes(): Uint8Array;
  }
  const gifenc: {
    GIFEncoder(options?: { initialCapacity?: number }): GifStream;
  };
  export default gifenc;
}
