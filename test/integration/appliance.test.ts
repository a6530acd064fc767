/**
 * `kiln appliance` end to end, as a user runs it: appliance bundles made by the appliance target
 * from real base images (x86_64 and i686, installed by kiln from the Anaconda test double; store
 * hits after the install test), a second version of the x86_64 one (the same system disk under a
 * new version, as a re-release ships it), then `check`, `run` of instances at once (two of the
 * x86_64 appliance sharing one verified copy, one of the i686), each passing the boot test's
 * checks, a file written to a data disk, `update` to the second version keeping it, `list`, and
 * `rm`: no domain, instance or appliance version left. Small on purpose (512 MiB guests, a 32 MiB
 * data disk, one cloud prep per arch): CI runs it under TCG.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silent } from '../../src/core/events.js';
import { run, runUnchecked } from '../../src/core/run.js';
import { readRecord } from '../../src/appliance/instance-record.js';
import { imageInfo } from '../../src/image/qemu-img.js';
import { sshTarget } from '../../src/pipeline/appliance/start.js';
import { runTargets } from '../../src/targets/run-targets.js';
import type { Arch } from '../../src/core/arch.js';
import { sshExec } from '../../src/testing/ssh.js';
import { runCli, type CliResult } from '../cli/helpers.js';
import { baseImageFor } from './fixtures/base-image.js';
import { guestScratch } from './fixtures/scratch.js';

const APPLIANCE = 'web';
/** Domain names unique to this run: libvirt's system daemon is shared with whatever else runs here. */
const tag = `kiln-it-${process.pid}`;
const NAMES = { a: `${tag}-a`, b: `${tag}-b`, i: `${tag}-i686` };

let work: string;
let instances: string;
const bundles = {} as Record<Arch | 'x86_64-1.1', string>;

interface Json<T> extends CliResult {
  data?: T;
  error?: { code: string; message: string; details?: string[] };
}

/** `kiln appliance … --json` in-process; the last line is the result (or the error). */
async function appliance<T = Record<string, unknown>>(...args: string[]): Promise<Json<T>> {
  const r = await runCli(['appliance', ...args, '--instances', instances, '--accel', 'tcg', '--json']);
  const last = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; data?: T } & Json<T>['error']).at(-1);
  return { ...r, data: last?.type === 'result' ? last.data : undefined, error: last?.type === 'error' ? last : undefined };
}

const failure = (r: Json<unknown>) => `exit ${r.code}: ${JSON.stringify(r.error ?? r.data)}\n${r.stderr.slice(-2000)}`;

/** Runs `command` in an instance as its cloud user, over its SSH forward with its own key. */
async function inGuest(name: string, command: string): Promise<string> {
  const dir = join(instances, name);
  const record = (await readRecord(dir))!;
  const r = await sshExec(sshTarget(record, dir)!, command, { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`${name}: ${command}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

async function domains(): Promise<string[]> {
  const { stdout } = await run('virsh', ['-c', 'qemu:///system', 'list', '--all', '--name'], { timeoutMs: 30_000 });
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(tag));
}

/** The second version: the bundle's descriptor says 1.1, its system disk is the same file. */
async function nextVersion(bundle: string): Promise<string> {
  const dir = join(work, 'v1.1');
  await mkdir(dir, { recursive: true });
  await run('tar', ['-xSf', bundle, '-C', dir], { timeoutMs: 600_000 });
  const [top] = await readdir(dir);
  const next = top!.replace('-1.0.', '-1.1.');
  await rename(join(dir, top!), join(dir, next));
  const xml = await readFile(join(dir, next, `${top}.xml`), 'utf8');
  await rm(join(dir, next, `${top}.xml`));
  const edited = xml.replace(/<name version="1\.0"/, '<name version="1.1"').replace(/<label>web 1\.0 /, '<label>web 1.1 ');
  if (!edited.includes('<name version="1.1"')) throw new Error(`no <name version="1.0"> in the descriptor of ${bundle}`);
  await writeFile(join(dir, next, `${next}.xml`), edited);
  const out = join(work, `${next}.appliance.tar`);
  await run('tar', ['-cSf', out, '-C', dir, next], { timeoutMs: 600_000 });
  await rm(dir, { recursive: true, force: true });
  return out;
}

beforeAll(async () => {
  work = await guestScratch('kiln-appliance-it-');
  instances = join(work, 'instances');
  const bases = { x86_64: await baseImageFor('x86_64'), i686: await baseImageFor('i686') };
  // The two cloud preps (one libguestfs launch each) at once.
  await Promise.all(
    (['x86_64', 'i686'] as const).map(async (arch) => {
      const outDir = join(work, arch);
      const record = await runTargets({
        base: bases[arch],
        targets: ['appliance'],
        outDir,
        name: APPLIANCE,
        version: '1.0',
        accel: 'tcg',
        options: { appliance: { memoryMiB: 512, graphics: false, disks: [{ use: 'data', sizeMiB: 32 }] } },
        emit: silent,
      });
      bundles[arch] = join(outDir, record.outputs[0]!.file);
    }),
  );
  bundles['x86_64-1.1'] = await nextVersion(bundles.x86_64);
});

afterAll(async () => {
  // Whatever a failed test left: its domains, then the files.
  for (const name of (await domains().catch(() => [] as string[]))) {
    await runUnchecked('virsh', ['-c', 'qemu:///system', 'destroy', name], { timeoutMs: 60_000 });
    await runUnchecked('virsh', ['-c', 'qemu:///system', 'undefine', name], { timeoutMs: 60_000 });
  }
  if (work) await rm(work, { recursive: true, force: true });
});

describe('kiln appliance', () => {
  it.each(['x86_64', 'i686'] as const)('check: this host runs the %s bundle from its first boot descriptor (BIOS; the hybrid x86_64 disk has a UEFI one too), and nothing is written', async (arch) => {
    const r = await appliance<{ ok: boolean; chosen: { arch: string; firmware: string }; boots: string[]; problems: string[] }>('check', bundles[arch]);
    expect(r.code, failure(r)).toBe(0);
    expect(r.data).toMatchObject({ ok: true, chosen: { arch, firmware: 'bios' }, problems: [] });
    // One boot descriptor per firmware the system disk boots; OVMF is installed here, so UEFI suits too.
    expect(r.data!.boots).toEqual([
      `boot descriptor 1 (hvm ${arch}, BIOS from hd): chosen`,
      ...(arch === 'x86_64' ? [`boot descriptor 2 (hvm ${arch}, UEFI from hd): suitable`] : []),
    ]);
    expect(await readdir(instances).catch(() => [])).toEqual([]);
  });

  it('run: two instances of the x86_64 appliance and one of the i686 at once, each passing the boot test’s checks; the two share one verified copy', async () => {
    const runs = await Promise.all([
      appliance<{ passed: boolean; arch: string }>('run', bundles.x86_64, '--name', NAMES.a, '--wait', '--timeout', '10m'),
      appliance<{ passed: boolean; arch: string }>('run', bundles.x86_64, '--name', NAMES.b, '--wait', '--timeout', '10m'),
      appliance<{ passed: boolean; arch: string }>('run', bundles.i686, '--name', NAMES.i, '--wait', '--timeout', '10m'),
    ]);
    for (const r of runs) expect(r.code, failure(r)).toBe(0);
    expect(runs.map((r) => [r.data!.arch, r.data!.passed])).toEqual([['x86_64', true], ['x86_64', true], ['i686', true]]);

    const versions = await readdir(join(instances, 'images', APPLIANCE));
    expect(versions).toHaveLength(2);
    const [a, b] = await Promise.all([readRecord(join(instances, NAMES.a)), readRecord(join(instances, NAMES.b))]);
    expect(a!.appliance.key).toBe(b!.appliance.key);
    for (const r of [a!, b!]) {
      const system = r.disks.find((d) => d.use === 'system')!;
      const info = await imageInfo(join(instances, r.name, system.file));
      expect(info.backingFile).toMatch(new RegExp(`/images/${APPLIANCE}/${r.appliance.key}/[^/]+-sda\\.qcow2$`));
      expect(r.disks.map((d) => [d.use, d.target])).toEqual([['system', 'vda'], ['data', 'vdb']]);
    }
    expect((await domains()).sort()).toEqual(Object.values(NAMES).sort());
  });

  it('update: new system disks from the second version, the data disk (and the file on it) kept', async () => {
    await inGuest(NAMES.a, 'sudo -n mkfs.ext4 -q /dev/vdb && sudo -n mount /dev/vdb /mnt && echo kept-across-updates | sudo -n tee /mnt/data.txt >/dev/null && sudo -n umount /mnt && sudo -n touch /var/lib/old-system && sync');
    const r = await appliance<{ updated: boolean; from: { version: string }; to: { version: string }; checks: { status: string }[] }>('update', NAMES.a, bundles['x86_64-1.1'], '--timeout', '10m');
    expect(r.code, failure(r)).toBe(0);
    expect(r.data).toMatchObject({ updated: true, from: { version: '1.0' }, to: { version: '1.1' } });
    expect(r.data!.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(await inGuest(NAMES.a, 'sudo -n mount /dev/vdb /mnt && cat /mnt/data.txt && sudo -n umount /mnt')).toBe('kept-across-updates\n');
    // The system disk is the new version's: what was written to the old one is gone.
    expect(await inGuest(NAMES.a, 'test -e /var/lib/old-system && echo still there || echo gone')).toBe('gone\n');
    // 1.0 stays for the other x86_64 instance; 1.1 is new.
    expect(await readdir(join(instances, 'images', APPLIANCE))).toHaveLength(3);
  });

  it('list: every instance with its appliance, version and state', async () => {
    const r = await appliance<{ name: string; appliance: string; version: string; state: string }[]>('list');
    expect(r.code, failure(r)).toBe(0);
    expect(r.data!.map((i) => [i.name, i.appliance, i.version, i.state]).sort()).toEqual([
      [NAMES.a, APPLIANCE, '1.1', 'running'],
      [NAMES.b, APPLIANCE, '1.0', 'running'],
      [NAMES.i, APPLIANCE, '1.0', 'running'],
    ]);
  });

  it('rm: every domain and file goes, the appliance versions with the last instance using them', async () => {
    // At once: each waits for its guest to power off.
    const removed = await Promise.all(Object.values(NAMES).map((name) => appliance('rm', name)));
    for (const r of removed) expect(r.code, failure(r)).toBe(0);
    expect(await domains()).toEqual([]);
    expect(await readdir(join(instances, 'images', APPLIANCE)).catch(() => [])).toEqual([]);
    expect((await readdir(instances)).filter((f) => f !== 'images')).toEqual([]);
  });
});
