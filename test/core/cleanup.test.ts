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

describe('CleanupStack.scope', () => {
  it('unwinds a scope when its body ends, and only that scope', async () => {
    const undone: string[] = [];
    const root = new CleanupStack();
    root.push('connection', () => void undone.push('connection'));
    const result = await root.scope('step', undefined, async (child) => {
      child.push('work dir', () => void undone.push('work dir'));
      expect(root.labels).toEqual(['connection', 'step']);
      return 42;
    });
    expect(result).toBe(42);
    expect(undone).toEqual(['work dir']);
    expect(root.labels).toEqual(['connection']);
  });

  it('parallel scopes never unwind each other; a failing one unwinds itself and rethrows', async () => {
    const undone: string[] = [];
    const root = new CleanupStack();
    let releaseSlow!: () => void;
    const slowMayEnd = new Promise<void>((r) => (releaseSlow = r));
    const slow = root.scope('slow', undefined, async (child) => {
      child.push('slow tmp', () => void undone.push('slow tmp'));
      await slowMayEnd;
      expect(undone).toEqual(['fast tmp']);
    });
    const fast = root.scope('fast', undefined, async (child) => {
      child.push('fast tmp', () => void undone.push('fast tmp'));
      throw new Error('fast failed');
    });
    await expect(fast).rejects.toThrow('fast failed');
    releaseSlow();
    await slow;
    expect(undone).toEqual(['fast tmp', 'slow tmp']);
  });

  it('unwinding the root (an interrupt) reaches the resources of a scope still running', async () => {
    const undone: string[] = [];
    const root = new CleanupStack();
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let finish!: () => void;
    const running = root.scope('install', undefined, async (child) => {
      child.push('domain', () => void undone.push('domain'));
      entered();
      await new Promise<void>((r) => (finish = r));
    });
    await inside;
    await root.unwind();
    expect(undone).toEqual(['domain']);
    finish();
    await running;
    expect(undone).toEqual(['domain']);
  });
});
