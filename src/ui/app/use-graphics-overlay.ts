import { useMemo, useRef } from 'react';
import { encodeSixel } from '../../render/index.js';
import { wrapForTmux } from '../graphics/index.js';
import type { GraphicsOverlay, OverlayImage } from '../terminal/index.js';
import { graphicsLayer, type LayerItem } from '../views/index.js';
import { type AppState } from '../state/index.js';
import { IMAGE_SIDE } from '../../data/index.js';

type DigitItem = Extract<LayerItem, { kind: 'digit' }>;

/**
 * Sixel encodings by digit, reused while a digit and its size stay the same:
 * the gallery shows a page of them, and moving the selection redraws none.
 */
type SixelCache = WeakMap<Float32Array, { scale: number; tmux: boolean; sequence: string }>;

function sixelOf(item: DigitItem, tmux: boolean, cache: SixelCache): string {
  const cached = cache.get(item.pixels);
  if (cached?.scale === item.pixelScale && cached.tmux === tmux) return cached.sequence;
  const sixel = encodeSixel({ width: IMAGE_SIDE, height: IMAGE_SIDE, pixels: item.pixels }, item.pixelScale);
  const sequence = tmux ? wrapForTmux(sixel) : sixel;
  cache.set(item.pixels, { scale: item.pixelScale, tmux, sequence });
  return sequence;
}

/**
 * Keeps the overlay's pictures in step with `state`. It tells the overlay
 * during render on purpose: Ink writes the frame when React commits, before
 * any effect runs, and the frame must carry the pictures that go with it.
 * Telling the overlay does no I/O itself.
 */
export function useGraphicsOverlay(overlay: GraphicsOverlay | undefined, state: AppState): void {
  const sixelCache = useRef<SixelCache>(new WeakMap());
  const { view, help, size, display, explorer, draw, numbers, models, insight, loading } = state;
  const hasVae = models.vae !== undefined;
  const hasCnn = models.cnn !== undefined;
  const images = useMemo(
    () =>
      graphicsLayer(state).map((item): OverlayImage => {
        const cells = { row: item.row, col: item.col, columns: item.width, rows: item.height };
        return item.kind === 'text'
          ? { ...cells, kind: 'text', lines: item.lines }
          : { ...cells, kind: 'sixel', sequence: sixelOf(item, display.tmux, sixelCache.current) };
      }),
    // Only what the pictures show: training progress and messages must not redraw them.
    [view, help, size, display, explorer, draw, numbers, hasVae, hasCnn, insight, loading],
  );
  overlay?.show(images);
}
