/**
 * Progress of a long transfer as `progress` events: bytes done of total, rate and ETA, blocks in
 * the detail (the TTY reporter shows the detail after the rate). Throttled so 64 workers do not
 * flood the reporter.
 */
import type { Emit } from '../../core/events.js';
import { formatDuration } from '../../core/units.js';

export interface ProgressMeterOptions {
  task: string;
  totalBytes: number;
  totalBlocks?: number;
  emit: Emit;
  /** Minimum interval between events (the last one is always sent). */
  intervalMs?: number;
  now?: () => number;
}

export class ProgressMeter {
  private bytes = 0;
  private blocks = 0;
  private lastEmit = -Infinity;
  private readonly started: number;
  private readonly now: () => number;

  constructor(private readonly options: ProgressMeterOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  add(bytes: number, blocks = 0): void {
    this.bytes += bytes;
    this.blocks += blocks;
    const t = this.now();
    if (t - this.lastEmit >= (this.options.intervalMs ?? 250)) this.emit(t);
  }

  /** Sends the final state. */
  finish(): void {
    this.emit(this.now());
  }

  get elapsedMs(): number {
    return this.now() - this.started;
  }

  private emit(t: number): void {
    this.lastEmit = t;
    const seconds = Math.max(0.001, (t - this.started) / 1000);
    const rate = this.bytes / seconds;
    const remaining = this.options.totalBytes - this.bytes;
    const parts: string[] = [];
    if (this.options.totalBlocks !== undefined) parts.push(`${this.blocks}/${this.options.totalBlocks} blocks`);
    if (remaining > 0 && rate > 0) parts.push(`ETA ${formatDuration((remaining / rate) * 1000)}`);
    this.options.emit({
      type: 'progress',
      task: this.options.task,
      done: this.bytes,
      total: this.options.totalBytes,
      unit: 'bytes',
      rate,
      detail: parts.length ? parts.join(', ') : undefined,
    });
  }
}
