import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withLock } from '../../src/appliance/instance-root.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function root(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kiln-locks-'));
  dirs.push(d);
  return d;
}

describe('withLock', () => {
  it('holds two keys at once, and releasing the inner one keeps the outer one until it is released', async () => {
    const r = await root();
    const seen: string[][] = [];
    await withLock(r, 'instances', async () => {
      await withLock(r, 'versions', async () => {
        seen.push((await readdir(r)).sort());
      });
      seen.push((await readdir(r)).sort());
    });
    expect(seen).toEqual([['.instances.lock', '.versions.lock'], ['.instances.lock']]);
    expect(await readdir(r)).toEqual([]);
  });

  it('one key is taken by one holder at a time', async () => {
    const r = await root();
    const order: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = withLock(r, 'instances', async () => {
      order.push('first in');
      await gate;
      order.push('first out');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = withLock(r, 'instances', async () => {
      order.push('second in');
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    open();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });
});
