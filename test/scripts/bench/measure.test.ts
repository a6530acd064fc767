import { describe, expect, it } from 'vitest';
import { interleave, median, spread } from '../../../scripts/bench/measure.js';

describe('bench measurements', () => {
  it('median of odd and even counts, and the spread', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([1.234, 3, 2])).toBe('1.23–3.00 s over 3');
  });

  it('runs contenders interleaved after an uncounted warm-up, cleaning up after each run', async () => {
    const order: string[] = [];
    const c = (label: string) => ({ label, work: async () => void order.push(label), after: async () => void order.push(`${label}-rm`) });
    const m = await interleave({ workDir: '/nonexistent', quick: false, log: () => {} }, [c('a'), c('b')], 2);
    expect(order).toEqual(['a', 'a-rm', 'b', 'b-rm', 'a', 'a-rm', 'b', 'b-rm', 'a', 'a-rm', 'b', 'b-rm']);
    expect(m.get('a')!.rounds).toHaveLength(2);
  });

  it('skips the warm-up of a contender that asks to, and counts a contender in its own fewer rounds, in the first ones', async () => {
    const order: string[] = [];
    const c = (label: string, extra: { warmUp?: boolean; rounds?: number } = {}) => ({ label, work: async () => void order.push(label), ...extra });
    const m = await interleave({ workDir: '/nonexistent', quick: false, log: () => {} }, [c('slow', { warmUp: false, rounds: 1 }), c('a'), c('b', { warmUp: false })], 3);
    expect(order).toEqual(['a', 'slow', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(m.get('slow')!.rounds).toHaveLength(1);
    expect(m.get('slow')!.spread).toMatch(/over 1$/);
    expect(m.get('b')!.rounds).toHaveLength(3);
  });
});
