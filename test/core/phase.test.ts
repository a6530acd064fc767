import { describe, expect, it } from 'vitest';
import type { KilnEvent } from '../../src/core/events.js';
import { phase, type Timings } from '../../src/core/phase.js';

describe('phase', () => {
  it('emits start and end with the detail, records the timing, returns the result', async () => {
    const events: KilnEvent[] = [];
    const timings: Timings = [];
    const result = await phase('media', (e) => events.push(e), async () => 42, { detail: 'x.raw', timings });
    expect(result).toBe(42);
    expect(events).toEqual([
      { type: 'phase', phase: 'media', state: 'start', detail: 'x.raw' },
      { type: 'phase', phase: 'media', state: 'end', elapsedMs: expect.any(Number), detail: 'x.raw' },
    ]);
    expect(timings).toEqual([{ phase: 'media', ms: expect.any(Number) }]);
  });

  it('emits fail and rethrows; a failed phase records no timing', async () => {
    const events: KilnEvent[] = [];
    const timings: Timings = [];
    const boom = new Error('no');
    await expect(phase('upload', (e) => events.push(e), () => Promise.reject(boom), { timings })).rejects.toBe(boom);
    expect(events.map((e) => (e.type === 'phase' ? e.state : e.type))).toEqual(['start', 'fail']);
    expect(timings).toEqual([]);
  });
});
