import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { diskFromTree, PARTITION_OFFSET } from '../../src/image/disk-from-tree.js';
import { allocated, MiB } from './fixtures/sparse-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-disk-from-tree-'));
  await mkdir(join(dir, 'tree', 'etc'), { recursive: true });
  await writeFile(join(dir, 'tree', 'etc', 'hello.txt'), 'hello, disk\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('diskFromTree', () => {
  it('makes an MBR disk with one bootable ext4 partition holding the tree, sparse', async () => {
    const out = join(dir, 'disk.raw');
    const made = await diskFromTree({ tree: join(dir, 'tree'), out, size: 128 * MiB, uuid: '11111111-2222-4333-8444-555555555555' });
    expect(made).toEqual({ path: out, partitionOffset: MiB, fsUuid: '11111111-2222-4333-8444-555555555555' });
    const { stdout } = await run('sfdisk', ['--json', out], { timeoutMs: 10_000 });
    const table = JSON.parse(stdout) as { partitiontable: { label: string; partitions: { start: number; type: string; bootable?: boolean }[] } };
    expect(table.partitiontable.label).toBe('dos');
    expect(table.partitiontable.partitions).toMatchObject([{ start: PARTITION_OFFSET / 512, type: '83', bootable: true }]);
    const cat = await run('debugfs', ['-R', 'cat /etc/hello.txt', `${out}?offset=${PARTITION_OFFSET}`], { timeoutMs: 10_000 });
    expect(cat.stdout).toBe('hello, disk\n');
    const uuid = await run('debugfs', ['-R', 'stats', `${out}?offset=${PARTITION_OFFSET}`], { timeoutMs: 10_000 });
    expect(uuid.stdout).toMatch(/Filesystem UUID:\s+11111111-2222-4333-8444-555555555555/);
    expect(await allocated(out)).toBeLessThan(32 * MiB);
  });

  it('fails clearly and leaves no file when the tree is missing', async () => {
    const out = join(dir, 'bad.raw');
    await expect(diskFromTree({ tree: join(dir, 'no-such-tree'), out, size: 64 * MiB })).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    await expect(access(out)).rejects.toThrow();
  });
});
