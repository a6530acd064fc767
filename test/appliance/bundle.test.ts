/**
 * Bundles opened and their versions unpacked into an instances directory, with the bad input a
 * user can give: a truncated bundle, a wrong checksum, a descriptor naming a file the bundle
 * lacks, a disk that fills up while unpacking. Each fails clearly and leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silent } from '../../src/core/events.js';
import { run } from '../../src/core/run.js';
import { openAppliance, plannedDisks } from '../../src/appliance/open-bundle.js';
import { acquireVersion, collectVersions, versionKey } from '../../src/appliance/versions.js';
import { makeBundle, truncated } from './fixtures/bundles.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-bundle-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function fresh(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1));
  return out.sort();
}

describe('opening a bundle', () => {
  it('reads the descriptor out of the tar and lists the files with their sizes, nothing unpacked', async () => {
    const b = await makeBundle(await fresh('open'), { data: true });
    const scratch = await fresh('open-scratch');
    const opened = await openAppliance(b.tar, scratch);
    expect(opened).toMatchObject({ kind: 'tar', memberDir: 'tiny-1.x86_64', shownAs: 'tiny-1.x86_64.appliance.tar:tiny-1.x86_64/tiny-1.x86_64.xml' });
    expect(opened.descriptor).toMatchObject({ name: 'tiny', version: '1' });
    expect([...opened.files.keys()].sort()).toEqual(['tiny-1.x86_64-sda.qcow2', 'tiny-1.x86_64-sdb.qcow2', 'tiny-1.x86_64.xml']);
    expect(plannedDisks(opened, opened.descriptor.boots[0]!).map((p) => [p.disk.use, p.target, p.shippedBytes! > 0])).toEqual([['system', 'vda', true], ['data', 'vdb', true]]);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('opens a bare descriptor with its files beside it', async () => {
    const b = await makeBundle(await fresh('bare'));
    const opened = await openAppliance(b.descriptor, await fresh('bare-scratch'));
    expect(opened.kind).toBe('descriptor');
    expect(opened.files.get('tiny-1.x86_64-sda.qcow2')).toBeGreaterThan(0);
  });

  it('refuses a truncated bundle before unpacking anything', async () => {
    const b = await makeBundle(await fresh('trunc'), { systemMiB: 8 });
    const cut = await truncated(b.tar, join(work, 'trunc', 'cut.appliance.tar'));
    await expect(openAppliance(cut, await fresh('trunc-scratch'))).rejects.toMatchObject({ code: 'APPLIANCE_BUNDLE_TRUNCATED', message: expect.stringContaining('truncated') });
  });

  it('names the descriptor line of a system disk the bundle lacks', async () => {
    const b = await makeBundle(await fresh('missing'), { omit: ['*-sda.qcow2'] });
    const opened = await openAppliance(b.tar, await fresh('missing-scratch'));
    expect(() => plannedDisks(opened, opened.descriptor.boots[0]!)).toThrow(/tiny-1\.x86_64\.xml:\d+: system disk 'tiny-1\.x86_64-sda\.qcow2' is not in the bundle/);
  });

  it('rejects an unknown disk use, naming the element and line', async () => {
    const b = await makeBundle(await fresh('use'), { data: true, edit: (x) => x.replace('use="data"', 'use="backup"') });
    await expect(openAppliance(b.tar, await fresh('use-scratch'))).rejects.toMatchObject({ code: 'APPLIANCE_DESCRIPTOR_INVALID', message: expect.stringMatching(/\.xml:\d+: <disk>: Invalid attribute use/) });
  });
});

describe('unpacking a version', () => {
  const claimNothing = async () => {};

  it('copies and verifies the files once, read-only, and reuses the copy for the next instance', async () => {
    const b = await makeBundle(await fresh('v'), { data: true });
    const root = await fresh('v-root');
    const opened = await openAppliance(b.tar, await fresh('v-scratch'));
    const boot = opened.descriptor.boots[0]!;
    const claimed: string[] = [];
    const first = await acquireVersion({ root, opened, boot, emit: silent, claim: async (k) => void claimed.push(k) });
    expect(first.created).toBe(true);
    expect(first.key).toBe(versionKey(opened, boot));
    expect(await files(first.dir)).toEqual(['tiny-1.x86_64-sda.qcow2', 'tiny-1.x86_64-sdb.qcow2', 'version.json']);
    expect((await stat(join(first.dir, 'tiny-1.x86_64-sda.qcow2'))).mode & 0o222).toBe(0);
    const again = await acquireVersion({ root, opened, boot, emit: silent, claim: async (k) => void claimed.push(k) });
    expect(again).toEqual({ ...first, created: false });
    expect(claimed).toEqual([first.key, first.key]);
    // No instance record names it: collected.
    expect(await collectVersions(root)).toEqual([`tiny/${first.key}`]);
    expect(await readdir(join(root, 'images'))).toEqual([]);
  });

  it('refuses a disk whose checksum is wrong, naming the disk and line, and leaves nothing', async () => {
    const b = await makeBundle(await fresh('sum'), { edit: (x) => x.replace(/(<checksum type="sha256">)[0-9a-f]{64}/, `$1${'0'.repeat(64)}`) });
    const root = await fresh('sum-root');
    const opened = await openAppliance(b.tar, await fresh('sum-scratch'));
    const error = await acquireVersion({ root, opened, boot: opened.descriptor.boots[0]!, emit: silent, claim: claimNothing }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'APPLIANCE_CHECKSUM_MISMATCH', message: expect.stringMatching(/\.xml:\d+: disk 'tiny-1\.x86_64-sda\.qcow2' has sha256 [0-9a-f]{64}, the descriptor says 0000/) });
    expect(await files(root)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('turns a disk that fills up while unpacking into DISK_FULL and leaves nothing (a 4 MiB tmpfs)', async () => {
    const b = await makeBundle(await fresh('full'), { systemMiB: 8 });
    const root = await fresh('full-root');
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'kiln-test', root], { timeoutMs: 10_000 });
    try {
      const opened = await openAppliance(b.tar, await fresh('full-scratch'));
      const error = await acquireVersion({ root, opened, boot: opened.descriptor.boots[0]!, emit: silent, claim: claimNothing }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DISK_FULL' });
      expect(await files(root)).toEqual([]);
    } finally {
      await run('umount', [root], { timeoutMs: 10_000 });
    }
  });
});
