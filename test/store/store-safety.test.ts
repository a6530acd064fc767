/**
 * What keeps the store sound under concurrent and crashed builds: the per-key lock (a second
 * build waits, a dead owner's lock is taken over), the reclaim of dead builds' work directories,
 * the store's secret and keyed hash, and the choice of `kiln images prune`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentOwner, OWNER_FILE } from '../../src/core/owner.js';
import { lockKey } from '../../src/store/key-lock.js';
import { keyedHash, storeSecret } from '../../src/store/store-secret.js';
import { claimWorkDir, reclaimDead, reclaimedText } from '../../src/core/work-dirs.js';
import { choosePrune } from '../../src/store/prune.js';
import type { BaseImage } from '../../src/store/store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-store-safety-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The owner record of a process that has exited. */
async function deadOwner(): Promise<string> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  return JSON.stringify({ ...currentOwner('build X'), pid, start: '1' });
}

describe('the per-key lock', () => {
  it('a second holder waits until the first releases, and is told who holds it', async () => {
    const locks = join(dir, 'locks');
    const release = await lockKey(locks, 'k');
    const waits: number[] = [];
    let got = false;
    const second = lockKey(locks, 'k', { pollMs: 20, onWait: (h) => waits.push(h.pid) }).then((r) => {
      got = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toBe(false);
    expect(waits).toEqual([process.pid]);
    await release();
    await (await second)();
    expect(got).toBe(true);
  });

  it("takes over a dead owner's lock", async () => {
    const locks = join(dir, 'locks');
    await mkdir(locks);
    await writeFile(join(locks, 'k.lock'), await deadOwner());
    const stale: number[] = [];
    const release = await lockKey(locks, 'k', { onStale: (h) => stale.push(h.pid) });
    expect(stale).toHaveLength(1);
    await release();
  });

  it('an interrupt ends the wait', async () => {
    const locks = join(dir, 'locks');
    await lockKey(locks, 'k');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('SIGINT')), 50);
    await expect(lockKey(locks, 'k', { signal: controller.signal, pollMs: 10 })).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });
});

describe('work directories of dead builds', () => {
  it('are reclaimed; live ones stay', async () => {
    const live = join(dir, 'live');
    await claimWorkDir(live, 'build L');
    expect((await stat(live)).mode & 0o777).toBe(0o700);
    const dead = join(dir, 'dead');
    await mkdir(dead);
    await writeFile(join(dead, OWNER_FILE), await deadOwner());
    await writeFile(join(dead, 'disk.qcow2'), Buffer.alloc(64 * 1024, 1));
    const reclaimed = await reclaimDead(dir);
    expect(reclaimed.map((r) => [r.dir, r.owner?.what])).toEqual([[dead, 'build X']]);
    expect(reclaimed[0]!.bytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(reclaimedText(reclaimed[0]!)).toMatch(new RegExp(`^reclaimed \\d+(\\.\\d+)? KiB: the work directory ${dead} of build X \\(pid \\d+, no longer running\\)$`));
    expect(await readdir(dir)).toEqual(['live']);
  });
});

describe("the store's secret", () => {
  it('is made once (0600) and keys the hash: same secrets, same hash; another store, another hash', async () => {
    const a = await storeSecret(dir);
    expect(await storeSecret(dir)).toEqual(a);
    expect((await stat(join(dir, 'secret'))).mode & 0o777).toBe(0o600);
    const other = await mkdtemp(join(tmpdir(), 'kiln-store-other-'));
    try {
      const b = await storeSecret(other);
      expect(keyedHash(a, ['pw'])).toBe(keyedHash(a, ['pw']));
      expect(keyedHash(a, ['pw'])).not.toBe(keyedHash(a, ['pw2']));
      expect(keyedHash(a, ['pw'])).not.toBe(keyedHash(b, ['pw']));
      expect(keyedHash(a, ['a', 'b'])).not.toBe(keyedHash(a, ['ab']));
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('kiln images prune: the choice', () => {
  const day = 86_400_000;
  const now = Date.parse('2026-11-26T00:00:00Z');
  const entry = (id: string, name: string, daysOld: number, damaged?: string) =>
    ({ id, dir: '', disk: '', damaged, record: { name, version: '19', arch: 'x86_64', createdAt: new Date(now - daysOld * day).toISOString() } }) as unknown as BaseImage;
  const images = [entry('a1', 'a', 1), entry('a2', 'a', 5), entry('a3', 'a', 10), entry('b1', 'b', 20), entry('x', 'a', 0, 'its disk is missing')];
  it.each([
    [{}, ['x']],
    [{ keep: 1 }, ['x', 'a2', 'a3']],
    [{ olderThanMs: 7 * day }, ['x', 'a3', 'b1']],
    [{ keep: 1, olderThanMs: 7 * day }, ['x', 'a3']],
  ])('%j removes %j', (rule, ids) => {
    expect(choosePrune(images, rule, now).map((c) => c.image.id)).toEqual(ids);
  });
});
