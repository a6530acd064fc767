/**
 * Runs a named phase: emits start, then end or fail with its duration, and records the timing.
 * The one way a phase is reported (install stages, cloud prep, targets, publish).
 */
import type { Emit } from './events.js';

export type Timings = { phase: string; ms: number }[];

export interface PhaseOptions {
  /** Shown with the start and end events. */
  detail?: string;
  /** Where the phase's duration is recorded when it succeeds. */
  timings?: Timings;
}

export async function phase<T>(name: string, emit: Emit, body: () => Promise<T>, o: PhaseOptions = {}): Promise<T> {
  const start = performance.now();
  emit({ type: 'phase', phase: name, state: 'start', detail: o.detail });
  try {
    const result = await body();
    const ms = Math.round(performance.now() - start);
    o.timings?.push({ phase: name, ms });
    emit({ type: 'phase', phase: name, state: 'end', elapsedMs: ms, detail: o.detail });
    return result;
  } catch (error) {
    emit({ type: 'phase', phase: name, state: 'fail', elapsedMs: Math.round(performance.now() - start) });
    throw error;
  }
}
