/** Numbers as the views print them: fixed decimals, grouped thousands, UTC dates, so frames never depend on locale or zone. */
import type { ModelMetadata } from '../../ml/index.js';

/** `12,345`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `97.80%` for 0.978. */
export function percent(fraction: number, decimals = 2): string {
  return `${(fraction * 100).toFixed(decimals)}%`;
}

/** `mm:ss`, or `h:mm:ss` past an hour; `--:--` while unknown. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  const minutes = `${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${minutes}` : minutes;
}

/** `2026-01-03 14:02 UTC` for an ISO 8601 time. */
export function utcMinute(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A model's test metric in words: accuracy for the CNN, −ELBO for the VAE. */
export function metric(metrics: { testAccuracy?: number; testNegElbo?: number }): string {
  if (metrics.testAccuracy !== undefined) return `test accuracy ${percent(metrics.testAccuracy)}`;
  if (metrics.testNegElbo !== undefined) return `test −ELBO ${metrics.testNegElbo.toFixed(1)} nats`;
  return 'no test metric';
}

/** The one line a loaded model is summed up in, starting with where it came from: trained here or shipped pretrained. */
export function savedModelLine(metadata: ModelMetadata): string {
  const epochs =
    metadata.epochs < metadata.epochsPlanned
      ? `${metadata.epochs}/${metadata.epochsPlanned} epochs`
      : `${metadata.epochs} epoch${metadata.epochs === 1 ? '' : 's'}`;
  return `${metadata.origin ?? 'trained'} · ${metric(metadata.metrics)} · ${epochs} · ${utcMinute(metadata.date)}`;
}

/** `CNN`, or `pretrained CNN` for a shipped model standing in for one not trained yet. */
export function modelName(metadata: ModelMetadata): string {
  return `${metadata.origin === 'pretrained' ? 'pretrained ' : ''}${metadata.model.toUpperCase()}`;
}

/** `(+0.50, -1.20)`: signs always shown so the text does not jump as the cursor crosses zero. */
export function latentPoint([x, y]: readonly [number, number]): string {
  const f = (v: number) => (v >= 0 ? '+' : '-') + Math.abs(v).toFixed(2);
  return `(${f(x)}, ${f(y)})`;
}

/** A bar of `width` cells, `fraction` full. */
export function bar(fraction: number, width: number, plain: boolean): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return (plain ? '#' : '█').repeat(filled) + (plain ? '-' : '░').repeat(width - filled);
}
