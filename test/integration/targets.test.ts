/**
 * Every target from one real base image (x86_64, installed by kiln from the Anaconda test double
 * with Fedora's hybrid layout under UEFI, so its disk boots under BIOS, UEFI and Secure Boot; a
 * copy with the per-machine state a booted system leaves planted), checked by independent tools:
 * qemu-img, tar/xz, xmllint, sha256sum, guestfish reading the prepared guests, and `kiln test`
 * booting the openstack qcow2 under OVMF with Secure Boot enforcing (NoCloud, the lived-in state
 * gone, the disk grown, the guest's SecureBoot variable set) with every check, and the ec2 raw
 * under plain OVMF and under Secure Boot the EC2 way (the emulated metadata service). What the hybrid
 * disk changes for the targets is checked here: the EC2 boot mode uefi-preferred, a descriptor
 * boot entry per firmware, the firmwares in every output's record. The other boots: SeaBIOS in
 * install.test.ts and drop.test.ts (the openstack qcow2, and the ec2 raw through the emulated
 * metadata service, both arches), plain OVMF in boot-test.test.ts (raw.tar.xz, the openstack
 * disk; the appliance; and the failures). So the openstack and ec2 disks each boot all three ways.
 * Built once in beforeAll (libguestfs launches: planting the lived-in state, ec2 prep and the
 * shared cloud prep, and reading both prepared guests side by side), reused by every assertion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { collect, type Emit } from '../../src/core/events.js';
import { run } from '../../src/core/run.js';
import { sha256File } from '../../src/core/hash.js';
import { imageInfo, checkImage } from '../../src/image/qemu-img.js';
import { runTargets } from '../../src/targets/run-targets.js';
import { DESCRIPTOR_SCHEMA } from '../../src/targets/appliance/validate.js';
import type { TargetsRecord } from '../../src/targets/types.js';
import type { BaseImage } from '../../src/store/store.js';
import { baseImageFor } from './fixtures/base-image.js';
import { livedInBase, PLANTED } from '../targets/fixtures/fixture-store.js';
import { readGuestFiles, type GuestView } from '../targets/fixtures/guest-files.js';
import { kilnTest, notPassed } from './fixtures/kiln-test.js';
import { guestScratch } from './fixtures/scratch.js';

let work: string;
let out: string;
let base: BaseImage;
let baseSha: string;
let record: TargetsRecord;
let ec2: GuestView;
let cloud: GuestView;
const events = collect();

const file = (target: string) => record.outputs.find((o) => o.target === target)!;
const path = (target: string) => join(out, file(target).file);

const ALL = ['ec2', 'openstack', 'raw-tar-xz', 'raw-xz', 'appliance'];
/** What the hybrid base's disk boots, as capture read it (Debian's shim is signed for Secure Boot). */
const HYBRID = ['bios', 'uefi', 'uefi-secure'];

function makeAll(emit: Emit): Promise<TargetsRecord> {
  // Preset 0 keeps CI time down; the format is the same at every preset.
  return runTargets({ base, targets: ALL, outDir: out, accel: 'tcg', options: { 'raw-tar-xz': { level: 0 }, 'raw-xz': { level: 0 } }, emit });
}

beforeAll(async () => {
  work = await guestScratch('kiln-targets-it-');
  out = join(work, 'out');
  base = await livedInBase(await baseImageFor('x86_64'), join(work, 'store'));
  baseSha = await sha256File(base.disk);
  record = await makeAll(events.emit);
  await run('tar', ['-xSf', path('raw-tar-xz'), '-C', work], { timeoutMs: 600_000 });
  [ec2, cloud] = await readGuestFiles(
    [
      { path: path('ec2'), format: 'raw' },
      { path: path('openstack'), format: 'qcow2' },
    ],
    ['/etc/machine-id', '/etc/systemd/system/ssh.service.d/kiln-host-keys.conf', '/etc/cloud/cloud.cfg.d/99_kiln.cfg', '/etc/default/grub', '/boot/grub/grub.cfg', '/etc/ssh/sshd_config', '/etc/shadow', PLANTED.lease, PLANTED.netRule, PLANTED.log],
    ['/etc/ssh'],
  );
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe(`targets from a real base image`, () => {
  it('names every output <name>-<version>.<arch>.<ext> and ran one prep per distinct prep', () => {
    const stem = `${base.record.name}${base.record.version ? `-${base.record.version}` : ''}.x86_64`;
    expect(record.outputs.map((o) => o.file)).toEqual(['raw', 'qcow2', 'raw.tar.xz', 'raw.xz', 'appliance.tar'].map((e) => `${stem}.${e}`));
    const preps = events.events.filter((e) => e.type === 'phase' && e.phase.startsWith('prep:') && e.state === 'start');
    expect(preps).toHaveLength(2);
  });

  it('the base is hybrid (its record, kept by the lived-in copy), and every output records the firmwares its disk boots', () => {
    expect(base.record.boot).toMatchObject({ table: 'gpt', firmware: HYBRID, esp: { loader: expect.stringMatching(/^EFI\/BOOT\/BOOTX64\.EFI$/i) } });
    for (const o of record.outputs) expect(o.firmware, o.file).toEqual(HYBRID);
    // A disk that boots BIOS too needs no hw_firmware_type for OpenStack.
    expect(file('openstack').properties).toBeUndefined();
  });

  it('leaves the base image unchanged', async () => {
    expect(await sha256File(base.disk)).toBe(baseSha);
  });

  it('writes a .sha256 beside every output that sha256sum accepts, and targets.json lists them', async () => {
    await run('sha256sum', ['-c', ...record.outputs.map((o) => `${o.file}.sha256`)], { timeoutMs: 600_000, cwd: out });
    const json = JSON.parse(await readFile(join(out, 'targets.json'), 'utf8')) as { outputs: { file: string; sha256: string; base: { id: string } }[] };
    for (const o of record.outputs) {
      const entry = json.outputs.find((e) => e.file === o.file)!;
      expect(entry.sha256).toBe(o.sha256);
      expect(entry.base.id).toBe(base.id);
      expect((await stat(join(out, o.file))).size).toBe(o.size);
    }
  });

  it('openstack: a clean compressed qcow2, compat 1.1, with the base virtual size', async () => {
    const info = await imageInfo(path('openstack'));
    expect(info).toMatchObject({ format: 'qcow2', compat: '1.1', virtualSize: base.record.disk.virtualSize });
    expect(info.backingFile).toBeUndefined();
    expect((await checkImage(path('openstack'))).ok).toBe(true);
    expect(info.actualSize).toBeLessThan(base.record.disk.actualSize);
  });

  it('raw-tar-xz: a valid xz holding disk.raw (sparse) with the same disk as the openstack image', async () => {
    await run('xz', ['-t', path('raw-tar-xz')], { timeoutMs: 600_000 });
    const { stdout } = await run('tar', ['-tvf', path('raw-tar-xz')], { timeoutMs: 600_000 });
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toMatch(new RegExp(`\\s${base.record.disk.virtualSize}\\s.*\\sdisk\\.raw$`, 'm'));
    const raw = await stat(join(work, 'disk.raw'));
    expect(raw.size).toBe(base.record.disk.virtualSize);
    expect(raw.blocks * 512).toBeLessThan(raw.size);
    await run('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', join(work, 'disk.raw'), path('openstack')], { timeoutMs: 600_000 });
  });

  it('raw-xz: concatenated xz streams that decompress to the same disk', async () => {
    // xz -d checks every stream's integrity as it goes (what xz -t would do, without a second pass).
    const again = join(work, 'again.raw');
    await copyFile(path('raw-xz'), `${again}.xz`);
    await run('xz', ['-d', `${again}.xz`], { timeoutMs: 600_000 });
    await run('cmp', [again, join(work, 'disk.raw')], { timeoutMs: 600_000 });
    await rm(again);
  });

  it('appliance: a tar of the descriptor and disk, the descriptor valid against the shipped schema', async () => {
    const stem = file('appliance').file.replace(/\.appliance\.tar$/, '');
    const { stdout } = await run('tar', ['-tf', path('appliance')], { timeoutMs: 600_000 });
    expect(stdout.trim().split('\n').sort()).toEqual([`${stem}/`, `${stem}/${stem}-sda.qcow2`, `${stem}/${stem}.xml`]);
    const dir = join(work, 'appliance');
    await run('mkdir', ['-p', dir], { timeoutMs: 10_000 });
    await run('tar', ['-xf', path('appliance'), '-C', dir], { timeoutMs: 600_000 });
    await run('xmllint', ['--noout', '--relaxng', DESCRIPTOR_SCHEMA, join(dir, stem, `${stem}.xml`)], { timeoutMs: 60_000 });
    const xml = await readFile(join(dir, stem, `${stem}.xml`), 'utf8');
    expect(xml).toContain('<arch>x86_64</arch>');
    // One boot entry per firmware the system disk boots: SeaBIOS, then UEFI.
    expect(xml.match(/<boot type="hvm">/g)).toHaveLength(2);
    expect([...xml.matchAll(/<loader dev="hd" firmware="(\w+)"\/>/g)].map((m) => m[1])).toEqual(['bios', 'efi']);
    expect(xml).toContain(`use="system" format="qcow2"`);
    expect(xml).toContain(await sha256File(join(dir, stem, `${stem}-sda.qcow2`)));
  });

  it('ec2: a sparse raw of the base size, with what the upload stage needs', async () => {
    const s = await stat(path('ec2'));
    expect(s.size).toBe(base.record.disk.virtualSize);
    expect(s.blocks * 512).toBeLessThan(s.size);
    // A disk that boots both ways is registered as Fedora's are: UEFI where the instance type has it.
    expect(file('ec2').ec2).toEqual({ architecture: 'x86_64', virtualizationType: 'hvm', bootMode: 'uefi-preferred', enaSupport: true, rootDeviceName: '/dev/xvda' });
  });

  it.each([
    ['ec2', () => ec2, 'datasource_list: [ Ec2 ]'],
    ['openstack', () => cloud, 'datasource_list: [ NoCloud, ConfigDrive, OpenStack, None ]'],
  ])('cloud prep (%s): per-machine state gone, datasources and kernel command line set', (_name, view, datasources) => {
    const v = view();
    expect(v.get('/etc/machine-id')).toBe('');
    expect((v.get('ls:/etc/ssh') as string[]).filter((f) => f.startsWith('ssh_host_'))).toEqual([]);
    expect(v.get('/etc/systemd/system/ssh.service.d/kiln-host-keys.conf')).toContain('ExecStartPre=/usr/bin/ssh-keygen -A');
    expect(v.get(PLANTED.lease)).toBeUndefined();
    expect(v.get(PLANTED.netRule)).toBeUndefined();
    expect(v.get(PLANTED.log)).toBeUndefined();
    expect(v.get('/etc/cloud/cloud.cfg.d/99_kiln.cfg')).toContain(datasources);
    expect(v.get('/etc/default/grub')).toMatch(/^GRUB_CMDLINE_LINUX="[^"]*console=tty0 console=ttyS0,115200n8[^"]*"$/m);
    const entries = (v.get('/boot/grub/grub.cfg') as string).split('\n').filter((l) => /^\s*linux\s/.test(l));
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e).toContain('console=ttyS0,115200n8');
    for (const e of entries) expect(e).not.toMatch(/\squiet(\s|$)/);
  });

  it('ec2 prep only: root locked, SSH password login off, NVMe timeout on the kernel command line', () => {
    expect(ec2.get('/etc/shadow')).toMatch(/^root:!/m);
    expect((ec2.get('/etc/ssh/sshd_config') as string).split('\n')[0]).toBe('PasswordAuthentication no');
    expect(ec2.get('/boot/grub/grub.cfg')).toContain('nvme_core.io_timeout=4294967295');
    expect(cloud.get('/etc/shadow')).not.toMatch(/^root:!/m);
    expect((cloud.get('/etc/ssh/sshd_config') as string).split('\n')[0]).not.toBe('PasswordAuthentication no');
  });

  it('kiln test --firmware uefi-secure: the openstack qcow2 boots under Secure Boot and passes every check (NoCloud, none of the lived-in state, the disk grown)', async () => {
    const test = await kilnTest([path('openstack')], ['--firmware', 'uefi-secure', '--grow', '1G', '--report', join(work, 'test-report')]);
    expect(test.code, notPassed(test)).toBe(0);
    const checks = test.statuses[file('openstack').file]!;
    // The lived-in base planted a lease, a net rule and logs: prep removed them, the guest shows none.
    // "Secure Boot enforcing": the guest has EFI runtime services and its SecureBoot variable is 1.
    for (const name of ['boot (uefi-secure)', 'Secure Boot enforcing', 'cloud-init', 'datasource NoCloud', 'hostname from metadata', 'machine-id made on this boot', 'ssh host keys made on this boot', 'no build leftovers', 'root file system grown']) {
      expect(checks[name], name).toBe('pass');
    }
    const report = test.report!.images[0]!;
    expect(report.firmware).toBe('uefi-secure');
    for (const f of ['console.log', 'cloud-init.log', 'domain.xml', 'report.json']) await stat(join(report.dir, f));
    // OVMF's Secure Boot build, found by libvirt from the features asked for (Q35 with SMM).
    const domain = await readFile(join(report.dir, 'domain.xml'), 'utf8');
    expect(domain).toContain('<os firmware="efi">');
    expect(domain).toContain('<feature enabled="yes" name="secure-boot"/>');
    expect(domain).toContain('<smm state="on"/>');
    expect(report.loginSeconds).toBeGreaterThan(0);
    // The guest's boot to sshd (its journal) and the login's own time are each a part of it.
    expect(report.guestBootSeconds).toBeGreaterThan(0);
    expect(report.guestBootSeconds).toBeLessThan(report.loginSeconds!);
    expect(report.loginAttemptSeconds).toBeGreaterThan(0);
    expect(report.loginAttemptSeconds).toBeLessThan(report.loginSeconds!);
  });

  it('kiln test --firmware uefi,uefi-secure: the ec2 raw boots under plain OVMF and under Secure Boot, the EC2 way (metadata service, root locked)', async () => {
    const test = await kilnTest([path('ec2')], ['--firmware', 'uefi,uefi-secure', '--report', join(work, 'test-report-ec2')]);
    expect(test.code, notPassed(test)).toBe(0);
    expect(test.report!.images.map((r) => r.firmware)).toEqual(['uefi', 'uefi-secure']);
    for (const report of test.report!.images) {
      const checks = Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
      const firmware = report.firmware === 'uefi-secure' ? ['boot (uefi-secure)', 'Secure Boot enforcing'] : ['boot (uefi)', 'booted under UEFI'];
      for (const name of [...firmware, 'cloud-init', 'datasource Ec2', 'key from the metadata service', 'root password locked', 'no build leftovers']) {
        expect(checks[name], `${report.firmware}: ${name}`).toBe('pass');
      }
      const domain = await readFile(join(report.dir, 'domain.xml'), 'utf8');
      expect(domain).toContain('<os firmware="efi">');
      expect(domain).toContain(`<feature enabled="${report.firmware === 'uefi-secure' ? 'yes' : 'no'}" name="secure-boot"/>`);
    }
  });

  it('a second run reuses every output without preparing anything', async () => {
    const again = collect();
    const second = await makeAll(again.emit);
    expect(second.reused).toEqual(ALL);
    expect(second.outputs.map((o) => o.sha256)).toEqual(record.outputs.map((o) => o.sha256));
    expect(again.events.some((e) => e.type === 'phase' && e.phase.startsWith('prep:'))).toBe(false);
  });

  it('a forced run starts from the prepped overlay kept in the store: no libguestfs launch, the same disk', async () => {
    const again = collect();
    const forced = await runTargets({ base, targets: ['ec2'], outDir: join(work, 'out-forced'), accel: 'tcg', force: true, emit: again.emit });
    expect(again.events).toContainEqual(expect.objectContaining({ type: 'phase', phase: 'prep:ec2', state: 'skip' }));
    expect(again.events.some((e) => e.type === 'phase' && e.phase.startsWith('prep:') && e.state === 'start')).toBe(false);
    expect(forced.outputs[0]!.sha256).toBe(file('ec2').sha256);
    await rm(join(work, 'out-forced'), { recursive: true, force: true });
  });
});
