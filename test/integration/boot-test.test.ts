/**
 * `kiln test` on what the other integration files do not boot — a raw.tar.xz (unpacked first)
 * and an appliance bundle (booted from its descriptor), both under plain OVMF (`--firmware uefi`:
 * UEFI without Secure Boot; SeaBIOS is booted by install.test.ts and drop.test.ts, Secure Boot by
 * targets.test.ts) — and on broken images, each failing with a message that says what is wrong:
 * a disk whose first MiB is zeroed (no partition table, no boot code: refused before any guest
 * starts, under BIOS and UEFI alike) and an image whose cloud-init is disabled (booted under
 * SeaBIOS, the default for a disk that boots BIOS). x86_64, from the shared hybrid base image kiln
 * installed from the Anaconda test double.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silent } from '../../src/core/events.js';
import { run } from '../../src/core/run.js';
import { runTargets } from '../../src/targets/run-targets.js';
import { guestfsTool } from '../fixtures/guestfs-tool.js';
import type { TargetsRecord } from '../../src/targets/types.js';
import { baseImageFor } from './fixtures/base-image.js';
import { kilnTest, notPassed } from './fixtures/kiln-test.js';

let work: string;
let record: TargetsRecord;
const output = (target: string) => join(work, 'out', record.outputs.find((o) => o.target === target)!.file);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-boot-test-'));
  record = await runTargets({
    base: await baseImageFor('x86_64'),
    targets: ['openstack', 'raw-tar-xz', 'appliance'],
    outDir: join(work, 'out'),
    accel: 'tcg',
    options: { 'raw-tar-xz': { level: 0 }, appliance: { disks: [{ use: 'data', sizeMiB: 64 }] } },
    emit: silent,
  });
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('kiln test', () => {
  it('passes a raw.tar.xz and an appliance bundle (booted from its descriptor, data disk attached) under UEFI, and writes JUnit XML', async () => {
    const junit = join(work, 'junit.xml');
    const test = await kilnTest([output('raw-tar-xz'), output('appliance')], ['--firmware', 'uefi', '--report', join(work, 'report'), '--junit', junit]);
    expect(test.code, notPassed(test)).toBe(0);
    for (const image of test.report!.images) {
      expect(image.firmware, image.image).toBe('uefi');
      // The guest says so: EFI runtime services present.
      expect(test.statuses[image.image.split('/').pop()!], image.image).toMatchObject({ 'boot (uefi)': 'pass', 'booted under UEFI': 'pass' });
      // OVMF without Secure Boot, found by libvirt's firmware auto-selection.
      const domain = await readFile(join(image.dir, 'domain.xml'), 'utf8');
      expect(domain).toContain('<os firmware="efi">');
      expect(domain).toContain('<feature enabled="no" name="secure-boot"/>');
    }
    const appliance = test.report!.images[1]!;
    expect(await readFile(join(appliance.dir, 'domain.xml'), 'utf8')).toMatch(/-sdb\.qcow2"\/>\s*<target dev="vdb"/);
    await run('xmllint', ['--noout', junit], { timeoutMs: 30_000 });
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="kiln test" tests="\d+" failures="0">/);
    expect(xml).toContain('<testcase name="cloud-init"');
    expect(xml).toContain('<testcase name="booted under UEFI"');
  });

  it('a disk whose first MiB is zeroed is refused at once under BIOS and UEFI, saying what the disk holds, and starts no guest', async () => {
    // The first MiB holds the protective MBR (GRUB's boot code) and the primary GPT. The backup
    // GPT at the disk's end survives, but neither firmware looks for it without a protective MBR
    // (nor does kiln, which reads the head of the disk): to both, the disk has no partitions.
    const broken = join(work, 'broken.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', output('openstack'), broken], { timeoutMs: 60_000 });
    await run('qemu-io', ['-f', 'qcow2', '-c', 'write -z 0 1M', broken], { timeoutMs: 60_000 });
    const started = Date.now();
    const test = await kilnTest([broken], ['--user', 'debian', '--firmware', 'bios,uefi', '--report', join(work, 'report-broken')]);
    expect(test.code).toBe(1);
    const held = ['partition table: none', 'BIOS: no boot signature in the MBR', 'UEFI: no EFI system partition'];
    expect(test.report!.images.map((r) => r.firmware)).toEqual(['bios', 'uefi']);
    for (const [image, name, words] of [[test.report!.images[0]!, 'boot (bios)', 'BIOS'], [test.report!.images[1]!, 'boot (uefi)', 'UEFI']] as const) {
      expect(image.checks).toEqual([{ name, status: 'fail', detail: `the image does not boot under ${words} (what it boots under: no firmware (no boot loader found)): ${held.join('; ')}` }]);
      expect(image.failure).toMatchObject({ code: 'BOOT_NO_BOOTLOADER', details: held });
      // Refused before a domain was defined: no domain XML, no console.
      await expect(stat(join(image.dir, 'domain.xml'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(stat(join(image.dir, 'console.log'))).rejects.toMatchObject({ code: 'ENOENT' });
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('an image whose cloud-init is disabled fails the cloud-init check, saying so (booted under SeaBIOS, the default for a disk that boots BIOS)', async () => {
    const disabled = join(work, 'no-cloud-init.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', output('openstack'), disabled], { timeoutMs: 60_000 });
    await guestfsTool('virt-customize', ['-q', '-a', disabled, '--touch', '/etc/cloud/cloud-init.disabled']);
    const test = await kilnTest([disabled], ['--user', 'debian', '--report', join(work, 'report-disabled')]);
    expect(test.code).toBe(1);
    const checks = test.report!.images[0]!.checks;
    expect(checks.find((c) => c.name === 'boot (bios)')!.status).toBe('pass');
    expect(checks.find((c) => c.name === 'cloud-init')).toMatchObject({ status: 'fail', detail: expect.stringContaining('cloud-init never ran') });
  });
});
