import { describe, expect, it } from 'vitest';
import { KilnError } from '../../src/core/errors.js';
import { runGraph, type Step } from '../../src/pipeline/scheduler.js';

/** A step that records when it ran and ends when its gate opens (no timing involved). */
function gated(id: string, deps: string[], log: string[], o: { fail?: boolean; memoryMiB?: number } = {}) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const step: Step = {
    id,
    deps,
    memoryMiB: o.memoryMiB,
    async run() {
      log.push(`start ${id}`);
      await gate;
      log.push(`end ${id}`);
      if (o.fail) throw new KilnError('COMMAND_FAILED', `${id} broke`);
    },
  };
  return { step, open };
}

const ticks = () => new Promise((r) => setImmediate(r));

describe('runGraph', () => {
  it('runs independent steps in parallel within --jobs, dependents after their dependencies', async () => {
    const log: string[] = [];
    const a = gated('install:x86_64', [], log);
    const b = gated('install:i686', [], log);
    const c = gated('targets:x86_64', ['install:x86_64'], log);
    const d = gated('targets:i686', ['install:i686'], log);
    const done = runGraph([a.step, b.step, c.step, d.step], { jobs: 2, memoryBudgetMiB: 1e9, signal: new AbortController().signal });
    await ticks();
    expect(log).toEqual(['start install:x86_64', 'start install:i686']);
    b.open();
    await ticks();
    expect(log).toContain('start targets:i686');
    expect(log).not.toContain('start targets:x86_64');
    a.open();
    c.open();
    d.open();
    const out = await done;
    expect([...out.values()].every((x) => x.state === 'done')).toBe(true);
  });

  it('a failure skips its dependents only; the independent branch still finishes', async () => {
    const log: string[] = [];
    const a = gated('a', [], log, { fail: true });
    const b = gated('b', ['a'], log);
    const c = gated('c', ['b'], log);
    const x = gated('x', [], log);
    const y = gated('y', ['x'], log);
    const done = runGraph([a.step, b.step, c.step, x.step, y.step], { jobs: 4, memoryBudgetMiB: 1e9, signal: new AbortController().signal });
    await ticks();
    a.open();
    x.open();
    await ticks();
    y.open();
    const out = await done;
    expect(out.get('a')).toMatchObject({ state: 'failed', error: { code: 'COMMAND_FAILED' } });
    expect(out.get('b')).toMatchObject({ state: 'skipped', because: 'a' });
    expect(out.get('c')).toMatchObject({ state: 'skipped', because: 'a' });
    expect(out.get('y')!.state).toBe('done');
    expect(log).not.toContain('start b');
  });

  it('keeps the running guests within the memory budget (but always runs one)', async () => {
    const log: string[] = [];
    const a = gated('a', [], log, { memoryMiB: 1500 });
    const b = gated('b', [], log, { memoryMiB: 1500 });
    const done = runGraph([a.step, b.step], { jobs: 4, memoryBudgetMiB: 2000, signal: new AbortController().signal });
    await ticks();
    expect(log).toEqual(['start a']);
    a.open();
    await ticks();
    expect(log).toEqual(['start a', 'end a', 'start b']);
    b.open();
    await done;
  });

  it('on interrupt starts nothing new and reports the rest as skipped', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const a = gated('a', [], log);
    const b = gated('b', ['a'], log);
    const done = runGraph([a.step, b.step], { jobs: 1, memoryBudgetMiB: 1e9, signal: controller.signal });
    await ticks();
    controller.abort(new Error('received SIGINT'));
    a.open();
    const out = await done;
    expect(out.get('b')).toMatchObject({ state: 'skipped', error: { code: 'INTERRUPTED' } });
    expect(log).not.toContain('start b');
  });
});
