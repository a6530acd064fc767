import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { sha256 } from '../../src/core/hash.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, shortId, type Store } from '../../src/store/store.js';
import type { BuildRecord } from '../../src/store/record.js';
import { isKilnError } from '../../src/core/errors.js';

let dir: string;
let store: Store;

function record(id: string, createdAt = '2026-11-23T10:00:00.000Z'): BuildRecord {
  return {
    id,
    name: 'fedora-cloud',
    version: '19',
    arch: 'x86_64',
    createdAt,
    kilnVersion: '0.1.0',
    inputs: [{ name: 'arch', sha256: 'x', detail: 'x86_64' }],
    disk: { file: 'disk.qcow2', format: 'qcow2', virtualSize: 1, actualSize: 1 },
    accelerator: 'tcg',
    timings: [],
    packages: [],
    installer: { driver: 'anaconda', tree: '/tree' },
    logDir: '/logs',
  };
}

async function commit(id: string, createdAt?: string) {
  const disk = join(store.tmpDir, `d-${id.slice(0, 6)}`);
  await store.init();
  await writeFile(disk, 'disk');
  const info = await stat(disk);
  const r = record(id, createdAt);
  r.disk = { ...r.disk, bytes: info.size, sha256: sha256('disk'), mtimeMs: info.mtimeMs };
  return store.commit({ diskFile: disk, record: r, files: { 'manifest.json': '[]' } });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-store-'));
  store = openStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const A = 'a'.repeat(64);
const A2 = 'aaaa' + 'f'.repeat(60);
const B = 'b'.repeat(64);

describe('Store', () => {
  it('commits an entry atomically with a read-only disk, and finds it', async () => {
    const base = await commit(A);
    expect(base.disk).toBe(join(dir, 'images', A, 'disk.qcow2'));
    expect((await stat(base.disk)).mode & 0o777).toBe(0o444);
    expect((await store.find(A))!.record.name).toBe('fedora-cloud');
    expect(await readdir(store.tmpDir)).toEqual([]);
  });

  it('lists entries oldest first and resolves unique prefixes', async () => {
    await commit(B, '2026-11-23T12:00:00.000Z');
    await commit(A, '2026-11-23T11:00:00.000Z');
    expect((await store.list()).map((b) => b.id)).toEqual([A, B]);
    expect((await store.resolve('bbbb')).id).toBe(B);
    expect((await store.resolve(shortId(A))).id).toBe(A);
  });

  it.each([
    ['cccc', 'STORE_NOT_FOUND', false],
    ['not-hex', 'STORE_BAD_ID', true],
    ['ab', 'STORE_BAD_ID', true],
    ['aaaa', 'STORE_AMBIGUOUS', true],
  ])('resolve(%s) fails with %s', async (query, code, usage) => {
    await commit(A);
    await commit(A2);
    const error = await store.resolve(query).catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe(code);
    expect(isKilnError(error) && error.usage).toBe(usage);
  });

  it.each([
    ['its disk deleted', async (disk: string) => rm(disk, { force: true }), 'its disk is missing'],
    ['its disk truncated', async (disk: string) => {
      await chmod(disk, 0o644);
      await truncate(disk, 2);
    }, 'its disk is 2 bytes, 4 were captured'],
    ['its disk rewritten, same size', async (disk: string) => {
      await chmod(disk, 0o644);
      await writeFile(disk, 'DISK');
    }, 'its disk changed since it was captured (checksum differs)'],
  ])('an entry with %s is reported damaged, refused as a base, and replaced by the next commit', async (_what, damage, why) => {
    const base = await commit(A);
    await damage(base.disk);
    expect((await store.find(A))!.damaged).toBe(why);
    expect((await store.list()).map((b) => [b.id, b.damaged])).toEqual([[A, why]]);
    await expect(store.resolve('aaaa')).rejects.toMatchObject({ code: 'STORE_DAMAGED', message: `base image ${shortId(A)} is damaged: ${why}` });
    const again = await commit(A);
    expect(again.damaged).toBeUndefined();
    expect((await store.find(A))!.damaged).toBeUndefined();
  });

  it('a sound entry costs a stat: the same mtime and size are not hashed again', async () => {
    const base = await commit(A);
    const before = await stat(base.disk);
    await chmod(base.disk, 0o400);
    await utimes(base.disk, before.atime, before.mtime);
    expect((await store.find(A))!.damaged).toBeUndefined();
  });

  it('removes an entry with its logs', async () => {
    const logs = join(dir, 'logs', 'build-1');
    await mkdir(logs, { recursive: true });
    await writeFile(join(logs, 'console.log'), 'x');
    await store.init();
    const disk = join(store.tmpDir, 'd');
    await writeFile(disk, 'disk');
    await store.commit({ diskFile: disk, record: { ...record(B), logDir: logs } });
    await store.remove(B, { logs: true });
    expect(await store.find(B)).toBeUndefined();
    expect(await readdir(join(dir, 'logs'))).toEqual([]);
  });

  it('leaves nothing behind when a commit fails', async () => {
    await store.init();
    const error = await store.commit({ diskFile: join(dir, 'missing'), record: record(B) }).catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe('STORE_COMMIT_FAILED');
    expect(await readdir(store.tmpDir)).toEqual([]);
    expect(await readdir(join(dir, 'images'))).toEqual([]);
  });
});
