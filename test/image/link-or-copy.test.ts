import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { sha256File } from '../../src/core/hash.js';
import { linkOrCopy } from '../../src/image/link-or-copy.js';
import { allocated, makeSparseFile, MiB } from './fixtures/sparse-file.js';

const isRoot = process.getuid?.() === 0;
let dir: string;
let src: string;
let mnt: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-link-'));
  src = join(dir, 'disk.raw');
  await makeSparseFile(src, 64 * MiB, [{ offset: 10 * MiB, length: MiB }]);
});
afterAll(async () => {
  if (mnt) await run('umount', [mnt], { timeoutMs: 10_000 }).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe('linkOrCopy', () => {
  it('links on the same filesystem (no copy)', async () => {
    await linkOrCopy(src, join(dir, 'linked.raw'));
    expect((await stat(join(dir, 'linked.raw'))).ino).toBe((await stat(src)).ino);
  });

  it.skipIf(!isRoot)('copies, keeping holes, across filesystems', async () => {
    mnt = join(dir, 'mnt');
    await mkdir(mnt);
    await run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt], { timeoutMs: 10_000 });
    const dst = join(mnt, 'copy.raw');
    await linkOrCopy(src, dst);
    expect(await sha256File(dst)).toBe(await sha256File(src));
    expect(await allocated(dst)).toBeLessThanOrEqual(2 * MiB);
  });

  it('fails for a missing source', async () => {
    await expect(linkOrCopy(join(dir, 'nope'), join(dir, 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
