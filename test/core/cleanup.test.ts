import { describe, expect, it } from 'vitest';
import { CleanupStack, withCleanup } from '../../src/core/cleanup.js';
import { collect } from '../../src/core/events.js';

describe('CleanupStack', () => {
  it('undoes newest first, keeps going past failures and reports them', async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.push('temp dir', () => void order.push('temp dir'));
    stack.push('domain', () => {
      order.push('domain');
      throw new Error('already gone');
    });
    stack.push('server', async () => void order.push('server'));
    const { emit, events } = collect();
    const failures = await stack.unwind(emit);
    expect(order).toEqual(['server', 'domain', 'temp dir']);
    expect(failures.map((f) => f.message)).toEqual(['already gone']);
    expect(events.some((e) => e.type === 'message' && e.code === 'CLEANUP_FAILED')).toBe(true);
    expect(stack.size).toBe(0);
  });

  it('released entries are kept', async () => {
    const undone: string[] = [];
    await withCleanup(undefined, async (stack) => {
      const keep = stack.push('disk', () => void undone.push('disk'));
      stack.push('tmp', () => void undone.push('tmp'));
      keep();
    });
    expect(undone).toEqual(['tmp']);
  });

  it('unwinds when the body throws, then rethrows', async () => {
    const undone: string[] = [];
    await expect(
      withCleanup(undefined, async (stack) => {
        stack.push('tmp', () => void undone.push('tmp'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(undone).toEqual(['tmp']);
  });
});
