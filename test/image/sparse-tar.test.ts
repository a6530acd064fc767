import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { sha256File } from '../../src/core/hash.js';
import { HashingWriter } from '../../src/image/hashing-writer.js';
import { writeTar } from '../../src/image/sparse-tar.js';
import { allocated, makeSparseFile, MiB } from './fixtures/sparse-file.js';

const isRoot = process.getuid?.() === 0;

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

  it('is reproducible: entries sorted by name, owned by 0/0 and dated by the given mtime whoever made them', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'bundle'), { recursive: true });
    for (const name of ['c.xml', 'a.raw', 'b.qcow2']) await writeFile(join(tree, 'bundle', name), name);
    if (isRoot) await chown(join(tree, 'bundle', 'b.qcow2'), 1234, 1234);
    const mtime = new Date('2024-01-02T03:04:05Z');
    const make = async (name: string) => {
      const writer = await HashingWriter.create(join(dir, name));
      await writeTar({ cwd: tree, members: ['bundle'], mtime }, writer);
      return (await writer.close()).sha256;
    };
    expect(await make('one.tar')).toBe(await make('two.tar'));
    const { stdout } = await run('tar', ['--utc', '-tvf', join(dir, 'one.tar')], { timeoutMs: 60_000 });
    const entries = stdout.trim().split('\n').map((l) => l.split(/\s+/));
    expect(entries.map((e) => e.at(-1))).toEqual(['bundle/', 'bundle/a.raw', 'bundle/b.qcow2', 'bundle/c.xml']);
    for (const e of entries) expect([e[1], e[3], e[4]]).toEqual(['0/0', '2024-01-02', '03:04']);
  });

  it.each([
    ['no level: xz\'s own default, preset 6', {}, 6],
    ['level 0', { level: 0 }, 0],
    ['level 1', { level: 1 }, 1],
  ])('compresses with the preset asked for (%s), as xz itself writes it', async (_name, xz, preset) => {
    const out = join(dir, `preset-${preset}.tar.xz`);
    const writer = await HashingWriter.create(out);
    await mkdir(join(dir, 'small'), { recursive: true });
    await writeFile(join(dir, 'small', 'x'), 'x');
    await writeTar({ cwd: join(dir, 'small'), members: ['x'], xz }, writer);
    await writer.close();
    const sample = join(dir, `sample-${preset}`);
    await writeFile(sample, 'kiln');
    await run('xz', ['-k', '-f', `-${preset}`, sample], { timeoutMs: 30_000 });
    expect(await xzFilters(out)).toBe(await xzFilters(`${sample}.xz`));
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

/** The filter chain xz lists for the first block of a .xz file (e.g. --lzma2=dict=8MiB). */
async function xzFilters(file: string): Promise<string> {
  const { stdout } = await run('xz', ['--robot', '--list', '-vv', file], { timeoutMs: 60_000 });
  return stdout.split('\n').find((l) => l.startsWith('block\t'))!.split('\t').at(-1)!;
}
