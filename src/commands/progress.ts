import type { TrainEvent } from '../ml/index.js';

const BAR_WIDTH = 24;

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return s >= 3600
    ? `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`
    : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

/** One line of progress for a batch event: bar, loss, images/s and ETA. */
export function progressLine(e: Extract<TrainEvent, { event: 'batch' }>, epochs: number): string {
  const filled = Math.round((e.batch / e.batchesPerEpoch) * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  return (
    `${e.model} epoch ${e.epoch}/${epochs} ${bar} ${e.batch}/${e.batchesPerEpoch} ` +
    `loss ${e.loss.toFixed(4)} ${Math.round(e.imagesPerSecond)} img/s ETA ${clock(e.etaSeconds)}`
  );
}

/** One lasting line per finished epoch. */
export function epochLine(e: Extract<TrainEvent, { event: 'epoch' }>): string {
  const metric =
    e.testAccuracy !== undefined
      ? `test accuracy ${(e.testAccuracy * 100).toFixed(2)}%`
      : `test -ELBO ${e.testNegElbo?.toFixed(2)} nats/image`;
  return (
    `${e.model} epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${metric}, ` +
    `${e.seconds.toFixed(1)} s, ${Math.round(e.imagesPerSecond)} img/s`
  );
}
