/** A reporter consumes kiln's events and renders them; every hook is the same `event` function. */
import type { KilnEvent } from '../core/events.js';

export interface Reporter {
  event(event: KilnEvent): void;
  /** Flushes and clears anything live (the TTY status line) before the process prints results. */
  close(): void;
}

export interface ReporterOptions {
  /** Where human output goes (stderr: stdout is for results). */
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  verbose: boolean;
  now?: () => number;
}

export function describeProgress(e: Extract<KilnEvent, { type: 'progress' }>): string {
  const fmt = (n: number) => (e.unit === 'bytes' ? `${(n / 1024 / 1024).toFixed(1)} MiB` : String(n));
  const total = e.total !== undefined ? ` / ${fmt(e.total)}` : '';
  const pct = e.total ? ` (${Math.floor((100 * e.done) / e.total)}%)` : '';
  const rate = e.rate !== undefined ? `, ${e.unit === 'bytes' ? `${(e.rate / 1024 / 1024).toFixed(1)} MiB/s` : `${e.rate.toFixed(1)}/s`}` : '';
  const unit = e.unit === 'bytes' ? '' : ` ${e.unit}`;
  return `${e.task}: ${fmt(e.done)}${total}${unit}${pct}${rate}${e.detail ? ` ${e.detail}` : ''}`;
}
