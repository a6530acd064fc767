import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { sha256File } from '../../src/core/hash.js';
import { HashingWriter } from '../../src/image/hashing-writer.js';
import { tarArgs, writeTar, xzArgs } from '../../src/image/sparse-tar.js';
import { allocated, makeSparseFile, MiB } from './fixtures/sparse-file.js';

describe('argv', () => {
  it('tar: GNU sparse format, sorted, root-owned, fixed mtime', () => {
    expect(tarArgs({ members: ['disk.raw'], mtime: new Date('2024-01-02T03:04:05Z') })).toEqual([
      '--create', '--file=-', '--format=gnu', '--sparse', '--sort=name', '--numeric-owner', '--owner=0', '--group=0', '--mtime=@1704164645', '--', 'disk.raw',
    ]);
  });

  it.each([
    [{}, ['-T0', '-6', '-c']],
    [{ level: 0 }, ['-T0', '-0', '-c']],
    [{ threads: 1, level: 9 }, ['-T1', '-9', '-c']],
  ])('xz %j', (o, argv) => {
    expect(xzArgs(o)).toEqual(argv);
  });
});

describe('writeTar (real tar and xz)', () => {
  let dir: string;
  const size = 256 * MiB;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-sparse-tar-'));
    await mkdir(join(dir, 'src'));
    await makeSparseFile(join(dir, 'src', 'disk.raw'), size, [{ offset: MiB, length: MiB }, { offset: 200 * MiB, length: 2 * MiB }]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes a valid tar.xz holding the sparse disk, hashed while written', async () => {
    const out = join(dir, 'disk.raw.tar.xz');
    const writer = await HashingWriter.create(out);
    await writeTar({ cwd: join(dir, 'src'), members: ['disk.raw'], mtime: new Date('2024-01-02T03:04:05Z'), xz: { level: 1 } }, writer);
    const written = await writer.close();
    expect(written.sha256).toBe(await sha256File(out));
    expect(written.bytes).toBe((await stat(out)).size);
    await run('xz', ['-t', out], { timeoutMs: 60_000 });
    const { stdout } = await run('tar', ['-tvf', out], { timeoutMs: 60_000 });
    expect(stdout).toMatch(new RegExp(`^-rw-r--r-- 0/0 +${size} 2024-01-02 \\d\\d:04 disk\\.raw$`, 'm'));
    // The archive holds the data, not the holes: far less than the disk's size.
    expect(written.bytes).toBeLessThan(4 * MiB);
    await mkdir(join(dir, 'x'));
    await run('tar', ['-xSf', out, '-C', join(dir, 'x')], { timeoutMs: 60_000 });
    await run('cmp', [join(dir, 'x', 'disk.raw'), join(dir, 'src', 'disk.raw')], { timeoutMs: 60_000 });
    expect(await allocated(join(dir, 'x', 'disk.raw'))).toBeLessThan(8 * MiB);
  });

  it('writes an uncompressed tar when no xz is asked for', async () => {
    const out = join(dir, 'plain.tar');
    const writer = await HashingWriter.create(out);
    await writeTar({ cwd: join(dir, 'src'), members: ['disk.raw'] }, writer);
    await writer.close();
    const { stdout } = await run('tar', ['-tf', out], { timeoutMs: 60_000 });
    expect(stdout.trim()).toBe('disk.raw');
  });

  it('fails with the tool\'s error and writes nothing more when a member is missing', async () => {
    const out = join(dir, 'bad.tar.xz');
    const writer = await HashingWriter.create(out);
    await expect(writeTar({ cwd: join(dir, 'src'), members: ['nope.raw'], xz: {} }, writer)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    await writer.abort();
  });
});
