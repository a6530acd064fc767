/** Runs a named phase: emits start/end/fail with its duration and records the timing. */
import type { Emit } from '../core/events.js';

export type Timings = { phase: string; ms: number }[];

export async function phase<T>(name: string, emit: Emit, timings: Timings, body: () => Promise<T>, detail?: string): Promise<T> {
  const start = performance.now();
  emit({ type: 'phase', phase: name, state: 'start', detail });
  try {
    const result = await body();
    const ms = Math.round(performance.now() - start);
    timings.push({ phase: name, ms });
    emit({ type: 'phase', phase: name, state: 'end', elapsedMs: ms });
    return result;
  } catch (error) {
    emit({ type: 'phase', phase: name, state: 'fail', elapsedMs: Math.round(performance.now() - start) });
    throw error;
  }
}
