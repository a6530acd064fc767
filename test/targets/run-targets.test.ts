/**
 * runTargets end to end on a small synthetic base, cloud prep skipped (prep itself needs a real
 * guest: test/integration/targets.test.ts): names, checksums, formats, reuse, and bad input —
 * unknown target, unwritable output directory, disk full (a small tmpfs), interrupt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../../src/core/events.js';
import { run } from '../../src/core/run.js';
import { sha256File } from '../../src/core/hash.js';
import type { KilnError } from '../../src/core/errors.js';
import { imageInfo } from '../../src/image/qemu-img.js';
import { runTargets, type RunTargetsInput } from '../../src/targets/run-targets.js';
import { DESCRIPTOR_SCHEMA } from '../../src/targets/appliance/validate.js';
import type { BaseImage } from '../../src/store/store.js';
import { smallBase } from './fixtures/small-base.js';

const isRoot = process.getuid?.() === 0;
let dir: string;
let base: BaseImage;
let bigBase: BaseImage;
const mounts: string[] = [];

async function tmpfs(name: string, size: string, options = ''): Promise<string> {
  const mnt = join(dir, name);
  await mkdir(mnt, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size}${options ? `,${options}` : ''}`, 'tmpfs', mnt], { timeoutMs: 10_000 });
  mounts.push(mnt);
  return mnt;
}

const rejection = async (p: Promise<unknown>): Promise<KilnError> => {
  try {
    await p;
  } catch (error) {
    return error as KilnError;
  }
  throw new Error('expected a failure');
};

const input = (over: Partial<RunTargetsInput>): RunTargetsInput => ({
  base,
  targets: ['openstack'],
  outDir: join(dir, 'out-default'),
  accel: 'tcg',
  prep: false,
  cacheDir: join(dir, 'cache'),
  emit: () => {},
  ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-run-targets-'));
  base = await smallBase(join(dir, 'store'), { name: 'small', version: '1.0' });
  bigBase = await smallBase(join(dir, 'store'), { name: 'big', dataMiB: 20 });
});

afterAll(async () => {
  for (const m of mounts) await run('umount', [m], { timeoutMs: 10_000 }).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe('runTargets without prep (small synthetic base)', () => {
  const out = () => join(dir, 'out');
  let record: Awaited<ReturnType<typeof runTargets>>;
  let baseSha: string;
  const { emit, events } = collect();

  beforeAll(async () => {
    baseSha = await sha256File(base.disk);
    record = await runTargets(
      input({
        targets: ['openstack,raw-tar-xz', 'raw-xz', 'appliance'],
        outDir: out(),
        name: 'Fedora-Cloud-Base',
        version: '19',
        options: { openstack: { compat: '0.10' }, appliance: { diskFormat: 'raw', disks: [{ use: 'data', sizeMiB: 8 }] } },
        emit,
      }),
    );
  });

  it('writes each output under its final name with a .sha256, targets.json, and nothing else', async () => {
    const files = ['Fedora-Cloud-Base-19.x86_64.qcow2', 'Fedora-Cloud-Base-19.x86_64.raw.tar.xz', 'Fedora-Cloud-Base-19.x86_64.raw.xz', 'Fedora-Cloud-Base-19.x86_64.appliance.tar.xz'];
    expect(record.outputs.map((o) => o.file)).toEqual(files);
    expect((await readdir(out())).sort()).toEqual([...files, ...files.map((f) => `${f}.sha256`), 'targets.json'].sort());
    await run('sha256sum', ['--strict', '-c', ...files.map((f) => `${f}.sha256`)], { timeoutMs: 60_000, cwd: out() });
    const json = JSON.parse(await readFile(join(out(), 'targets.json'), 'utf8')) as { outputs: { file: string; options: unknown; base: { id: string } }[] };
    expect(json.outputs.map((o) => o.file)).toEqual(files);
    expect(json.outputs[0]!.options).toEqual({ compat: '0.10' });
    expect(new Set(json.outputs.map((o) => o.base.id))).toEqual(new Set([base.id]));
    expect(events.filter((e) => e.type === 'phase' && e.state === 'end').map((e) => (e as { phase: string }).phase)).toEqual([
      'target:openstack', 'target:raw-tar-xz', 'target:raw-xz', 'target:appliance',
    ]);
  });

  it('never changes the base image', async () => {
    expect(await sha256File(base.disk)).toBe(baseSha);
  });

  it('openstack: compat 0.10 as asked, same disk content as the base', async () => {
    const qcow2 = join(out(), record.outputs[0]!.file);
    expect(await imageInfo(qcow2)).toMatchObject({ format: 'qcow2', compat: '0.10', virtualSize: base.record.disk.virtualSize });
    await run('qemu-img', ['compare', '-F', 'qcow2', '-f', 'qcow2', base.disk, qcow2], { timeoutMs: 60_000 });
  });

  it('raw-tar-xz and raw-xz hold the same disk as the base', async () => {
    const x = join(dir, 'x');
    await mkdir(x);
    await run('tar', ['-xSf', join(out(), record.outputs[1]!.file), '-C', x], { timeoutMs: 60_000 });
    await run('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', join(x, 'disk.raw'), base.disk], { timeoutMs: 60_000 });
    await copyFile(join(out(), record.outputs[2]!.file), join(x, 'again.raw.xz'));
    await run('xz', ['-d', join(x, 'again.raw.xz')], { timeoutMs: 60_000 });
    await run('cmp', [join(x, 'again.raw'), join(x, 'disk.raw')], { timeoutMs: 60_000 });
  });

  it('appliance: system and data disks and a descriptor valid against the schema', async () => {
    const x = join(dir, 'appliance');
    await mkdir(x);
    await run('tar', ['-xSf', join(out(), record.outputs[3]!.file), '-C', x], { timeoutMs: 60_000 });
    const stem = 'Fedora-Cloud-Base-19.x86_64';
    expect((await readdir(join(x, stem))).sort()).toEqual([`${stem}-sda.raw`, `${stem}-sdb.raw`, `${stem}.xml`]);
    await run('xmllint', ['--noout', '--relaxng', DESCRIPTOR_SCHEMA, join(x, stem, `${stem}.xml`)], { timeoutMs: 60_000 });
    const xml = await readFile(join(x, stem, `${stem}.xml`), 'utf8');
    expect(xml).toContain(`<disk file="${stem}-sdb.raw" use="data" format="raw" size="8">`);
    expect(xml).toContain(await sha256File(join(x, stem, `${stem}-sda.raw`)));
    expect((await imageInfo(join(x, stem, `${stem}-sdb.raw`))).virtualSize).toBe(8 * 1024 * 1024);
  });

  it('a re-run reuses what is there; --force rebuilds', async () => {
    const again = await runTargets(input({ targets: ['openstack', 'raw-xz'], outDir: out(), name: 'Fedora-Cloud-Base', version: '19', options: { openstack: { compat: '0.10' } } }));
    expect(again.reused).toEqual(['openstack', 'raw-xz']);
    const other = await runTargets(input({ targets: ['openstack'], outDir: out(), name: 'Fedora-Cloud-Base', version: '19' }));
    expect(other.reused).toEqual([]);
    expect(other.outputs[0]!.options).toEqual({ compat: '1.1' });
    const forced = await runTargets(input({ targets: ['raw-xz'], outDir: out(), name: 'Fedora-Cloud-Base', version: '19', force: true }));
    expect(forced.reused).toEqual([]);
    expect(forced.outputs[0]!.sha256).toBe(record.outputs[2]!.sha256);
  });
});

describe('bad input', () => {
  it('an unknown target is a usage error listing the known ones, before any work', async () => {
    const err = await rejection(runTargets(input({ targets: ['ec2,vmware'], outDir: join(dir, 'never') })));
    expect(err).toMatchObject({ code: 'USAGE', exitCode: 2, message: "unknown target 'vmware'" });
    expect(err.hint).toContain('ec2, openstack, raw-tar-xz, raw-xz, appliance');
    await expect(readdir(join(dir, 'never'))).rejects.toThrow();
  });

  it('a missing host tool (xz) fails before any work, naming it and its package', async () => {
    const saved = process.env.PATH;
    // cp, qemu-img and tar are there; xz is not.
    const bin = join(dir, 'bin-without-xz');
    await mkdir(bin, { recursive: true });
    for (const tool of ['cp', 'qemu-img', 'tar']) await symlink(join('/usr/bin', tool), join(bin, tool));
    process.env.PATH = bin;
    try {
      const err = await rejection(runTargets(input({ targets: ['raw-xz'], outDir: join(dir, 'never-xz') })));
      expect(err).toMatchObject({ code: 'TOOLS_MISSING', message: 'the raw-xz target needs xz, not found on PATH' });
      expect(err.hint).toContain('xz-utils');
    } finally {
      process.env.PATH = saved;
    }
    await expect(readdir(join(dir, 'never-xz'))).rejects.toThrow();
  });

  it('a base image whose disk is gone', async () => {
    const err = await rejection(runTargets(input({ base: { ...base, disk: join(dir, 'gone.qcow2') }, outDir: join(dir, 'never2') })));
    expect(err).toMatchObject({ code: 'TARGET_BASE_MISSING', fault: 'user' });
  });

  it('ec2 without cloud prep is a usage error', async () => {
    expect(await rejection(runTargets(input({ targets: ['ec2'] })))).toMatchObject({ code: 'USAGE', exitCode: 2 });
  });

  it('an output directory that cannot be written', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    const err = await rejection(runTargets(input({ outDir: join(blocker, 'out') })));
    expect(err).toMatchObject({ code: 'TARGET_OUT_UNWRITABLE', fault: 'user' });
    expect(err.hint).toMatch(/--out/);
  });

  it.skipIf(!isRoot)('a read-only output directory', async () => {
    const ro = await tmpfs('ro', '1m', 'ro');
    expect(await rejection(runTargets(input({ outDir: ro })))).toMatchObject({ code: 'TARGET_OUT_UNWRITABLE' });
  });

  it.skipIf(!isRoot).each([
    // qemu-img writing the qcow2 runs out of space.
    ['openstack', '12m'],
    // The raw copy fits; the streamed tar.xz (random data does not compress) does not.
    ['raw-tar-xz', '40m'],
  ])('disk full while making %s: DISK_FULL, nothing half-written left', async (target, size) => {
    const full = await tmpfs(`full-${target}`, size);
    const err = await rejection(runTargets(input({ base: bigBase, targets: [target], outDir: full, options: { 'raw-tar-xz': { level: 0 } } })));
    expect(err).toMatchObject({ code: 'DISK_FULL', fault: 'user' });
    expect(err.message).toContain(full);
    expect(await readdir(full)).toEqual([]);
  });

  it('an interrupt stops the work and leaves nothing behind', async () => {
    const outDir = join(dir, 'interrupted');
    const controller = new AbortController();
    const err = await rejection(
      runTargets(
        input({
          base: bigBase,
          targets: ['raw-tar-xz'],
          outDir,
          options: { 'raw-tar-xz': { level: 9 } },
          signal: controller.signal,
          emit: (e) => {
            if (e.type === 'phase' && e.phase === 'target:raw-tar-xz' && e.state === 'start') setTimeout(() => controller.abort(new Error('SIGINT')), 300);
          },
        }),
      ),
    );
    expect(err.code).toBe('INTERRUPTED');
    // The run created the output directory and made nothing in it: it is gone too.
    await expect(readdir(outDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
