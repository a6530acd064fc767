/**
 * Host matching against libvirt's answers recorded on a build machine (an x86_64 host running
 * QEMU without KVM) and variants of them: a host whose 32-bit guests lack PAE, a Xen host without
 * hvm, a host without UEFI firmware (no OVMF descriptor for the firmware check installs and boot
 * tests make, nothing for libvirt to pick). Every rejected boot descriptor says why.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDescriptor, type ApplianceDescriptor } from '../../src/appliance/descriptor.js';
import { parseCapabilities } from '../../src/appliance/host-caps.js';
import { describeVerdicts, matchHost } from '../../src/appliance/host-match.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { unsuitableHost } from '../../src/pipeline/appliance/prepare.js';
import { LIBVIRT_FIXTURES, makeFirmwareDirs, recordedHost, type FirmwareDirs } from './fixtures/host.js';

let root: string;
let fw: FirmwareDirs;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kiln-host-match-'));
  fw = await makeFirmwareDirs(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The recorded host as it is (OVMF installed), or without OVMF: no firmware descriptor, and libvirt offers no UEFI. */
const withOvmf = (caps = 'caps-x86_64-host.xml') => recordedHost(caps, fw.ovmf);
const noOvmf = (caps = 'caps-x86_64-host.xml') => recordedHost(caps, fw.none, (arch) => (arch === 'x86_64' ? 'domcaps-x86_64-qemu-no-ovmf.xml' : `domcaps-${arch}-qemu.xml`));

async function descriptor(path: string): Promise<ApplianceDescriptor> {
  const file = join(PROJECT_ROOT, 'test', path);
  return parseDescriptor(await readFile(file, 'utf8'), file);
}

/** A descriptor with one hvm boot descriptor per arch given (in that order). */
function boots(...archs: { arch: string; features?: string; loader?: string }[]): ApplianceDescriptor {
  const xml = `<image><name>t</name><domain>${archs
    .map((a) => `<boot type="hvm"><guest><arch>${a.arch}</arch>${a.features ? `<features>${a.features}</features>` : ''}</guest><os>${a.loader ?? '<loader dev="hd"/>'}</os><drive disk="d.qcow2"/></boot>`)
    .join('')}<devices><vcpu>1</vcpu></devices></domain><storage><disk file="d.qcow2" format="qcow2"/></storage></image>`;
  return parseDescriptor(xml, 't.xml');
}

describe('the recorded capabilities', () => {
  it('read as libvirt wrote them: hvm guests for i686 (with and without PAE) and x86_64, qemu and kvm domains', async () => {
    const caps = parseCapabilities(await readFile(join(LIBVIRT_FIXTURES, 'caps-x86_64-host.xml'), 'utf8'));
    expect(caps.hostArch).toBe('x86_64');
    expect(caps.guests.map((g) => [g.osType, g.arch, g.domainTypes.join('+')])).toEqual([
      ['hvm', 'i686', 'qemu+kvm'],
      ['hvm', 'x86_64', 'qemu+kvm'],
    ]);
    expect(caps.guests[0]!.features).toMatchObject({ pae: { toggle: false }, nonpae: { toggle: false }, acpi: { default: 'on', toggle: true }, apic: { default: 'on', toggle: false } });
    expect(caps.guests[1]!.features.pae).toBeUndefined();
  });
});

describe('host matching', () => {
  it("chooses kiln's x86_64 appliance's only boot descriptor on the x86_64 host", async () => {
    const host = withOvmf();
    const m = await matchHost((await descriptor('targets/golden/appliance-x86_64.xml')).boots, host, 'qemu');
    expect(m.chosen?.boot.index).toBe(1);
    expect(host.asked).toEqual(['x86_64/qemu']);
  });

  it('runs an i686-only (PAE) guest on the x86_64 host, as its i686 hvm guest', async () => {
    const m = await matchHost((await descriptor('targets/golden/appliance-i686-three-disks.xml')).boots, withOvmf(), 'qemu');
    expect(m.chosen).toMatchObject({ ok: true, boot: { arch: 'i686', features: { pae: 'on' } }, guest: { arch: 'i686', emulator: '/usr/bin/qemu-system-i386' } });
  });

  it('rejects a PAE-requiring guest on an x86_64 host whose 32-bit guests lack PAE, saying so', async () => {
    const m = await matchHost((await descriptor('targets/golden/appliance-i686-three-disks.xml')).boots, withOvmf('caps-x86_64-host-no-pae.xml'), 'qemu');
    expect(m.chosen).toBeUndefined();
    expect(describeVerdicts(m)).toEqual(["boot descriptor 1 (hvm i686, BIOS from hd): rejected: needs PAE, which the host's i686 guests lack (no <pae/> in libvirt's capabilities)"]);
    // …while one that asks for PAE off runs there.
    expect((await matchHost(boots({ arch: 'i686', features: '<pae state="off"/>' }).boots, withOvmf('caps-x86_64-host-no-pae.xml'), 'qemu')).chosen).toBeDefined();
  });

  it('rejects every hvm boot descriptor on a host without hvm, and Xen ones on a QEMU host, explaining each', async () => {
    const calendar = await descriptor('appliance/fixtures/descriptors/calendar.xml');
    const onXen = await matchHost(calendar.boots, withOvmf('caps-xen-pv-host.xml'), 'qemu');
    expect(onXen.chosen).toBeUndefined();
    expect(describeVerdicts(onXen)).toEqual([
      'boot descriptor 1 (xen i686, pygrub): rejected: a Xen paravirtualized boot: kiln deploys fully virtualized (hvm) guests on QEMU',
      'boot descriptor 2 (hvm i686, BIOS from hd): rejected: the host runs no fully virtualized (hvm) guests (libvirt offers: xen)',
    ]);
    const onQemu = await matchHost(calendar.boots, withOvmf(), 'qemu');
    expect(describeVerdicts(onQemu)).toEqual([
      'boot descriptor 1 (xen i686, pygrub): rejected: a Xen paravirtualized boot, and the host runs no xen guests (libvirt offers: hvm)',
      'boot descriptor 2 (hvm i686, BIOS from hd): chosen',
    ]);
  });

  it("prefers the host's own arch among suitable descriptors, then document order", async () => {
    const m = await matchHost(boots({ arch: 'i686' }, { arch: 'x86_64' }).boots, withOvmf(), 'qemu');
    expect(describeVerdicts(m)).toEqual(['boot descriptor 1 (hvm i686, BIOS from hd): suitable', 'boot descriptor 2 (hvm x86_64, BIOS from hd): chosen']);
  });

  it.each([
    ['an arch the host cannot run', { arch: 'ppc64' }, 'the host cannot run ppc64 guests (it runs hvm guests for i686, x86_64)'],
    ['APIC off (libvirt cannot turn it off)', { arch: 'x86_64', features: '<apic state="off"/>' }, "needs APIC off, which libvirt cannot turn off for x86_64 guests (toggle='no')"],
    ['PAE off for a 64-bit guest', { arch: 'x86_64', features: '<pae state="off"/>' }, 'asks for PAE off, but a 64-bit guest always runs with PAE'],
    [
      'UEFI on a host without OVMF (the firmware check’s words and hint, once)',
      { arch: 'x86_64', loader: '<loader dev="hd" firmware="efi"/>' },
      "a UEFI boot needs OVMF (UEFI firmware for x86_64), and this host has no firmware descriptor for it (Install Debian's ovmf package (scripts/setup-host.sh does): its descriptors in /usr/share/qemu/firmware are what libvirt picks UEFI firmware from.)",
    ],
    ['pygrub in an hvm descriptor', { arch: 'x86_64', loader: '<loader>pygrub</loader>' }, 'pygrub boots Xen paravirtualized guests only'],
  ])('rejects %s', async (_what, boot, reason) => {
    const m = await matchHost(boots(boot).boots, noOvmf(), 'qemu');
    expect(m.chosen).toBeUndefined();
    expect(m.verdicts[0]!.reasons).toEqual([reason]);
  });

  it('rejects UEFI where OVMF is installed but libvirt on the connection offers no UEFI firmware', async () => {
    const host = recordedHost('caps-x86_64-host.xml', fw.ovmf, () => 'domcaps-x86_64-qemu-no-ovmf.xml');
    const m = await matchHost(boots({ arch: 'x86_64', loader: '<loader dev="hd" firmware="efi"/>' }).boots, host, 'qemu');
    expect(m.verdicts[0]!.reasons).toEqual(["needs UEFI firmware, which libvirt's domain capabilities do not offer on this connection"]);
  });

  it('rejects UEFI for an i686 guest even where OVMF is: kiln boots 32-bit guests with BIOS only', async () => {
    const m = await matchHost(boots({ arch: 'i686', features: '<pae/>', loader: '<loader dev="hd" firmware="efi"/>' }).boots, withOvmf(), 'qemu');
    expect(m.verdicts[0]!.reasons).toEqual(['a UEFI boot: i686 guests boot with BIOS only, not uefi']);
  });

  it('accepts ACPI off (libvirt can toggle it), PAE on for a 64-bit guest, and UEFI where OVMF is', async () => {
    const rescue = await descriptor('appliance/fixtures/descriptors/rescue-cdrom.xml');
    expect((await matchHost(rescue.boots, withOvmf(), 'qemu')).chosen).toBeDefined();
    expect((await matchHost(boots({ arch: 'x86_64', features: '<pae/><acpi state="off"/>' }).boots, withOvmf(), 'qemu')).chosen).toBeDefined();
  });

  it('rejects a domain type libvirt does not offer for the arch', async () => {
    const m = await matchHost(boots({ arch: 'x86_64' }).boots, withOvmf(), 'xen');
    expect(m.verdicts[0]!.reasons).toEqual(['libvirt has no xen domains for x86_64 (it has: qemu, kvm)']);
  });
});

describe("kiln's appliances: one boot descriptor per firmware the system disk boots", () => {
  const golden = (name: string) => descriptor(`targets/golden/${name}`);

  it('a hybrid disk runs under BIOS, its first boot descriptor; its UEFI one is suitable where OVMF is', async () => {
    const hybrid = await golden('appliance-x86_64-hybrid.xml');
    expect(describeVerdicts(await matchHost(hybrid.boots, withOvmf(), 'qemu'))).toEqual([
      'boot descriptor 1 (hvm x86_64, BIOS from hd): chosen',
      'boot descriptor 2 (hvm x86_64, UEFI from hd): suitable',
    ]);
  });

  it('a hybrid disk still runs without OVMF (under BIOS), and check says why UEFI would not', async () => {
    const hybrid = await golden('appliance-x86_64-hybrid.xml');
    const m = await matchHost(hybrid.boots, noOvmf(), 'qemu');
    expect(m.chosen?.boot.index).toBe(1);
    expect(describeVerdicts(m)[1]).toMatch(/^boot descriptor 2 \(hvm x86_64, UEFI from hd\): rejected: a UEFI boot needs OVMF .*Install Debian's ovmf package/);
  });

  it('a UEFI-only disk runs under UEFI where OVMF is', async () => {
    const m = await matchHost((await golden('appliance-x86_64-uefi.xml')).boots, withOvmf(), 'qemu');
    expect(m.chosen?.boot.os).toEqual({ kind: 'loader', dev: 'hd', firmware: 'efi' });
  });

  it('a UEFI-only disk does not run on a host without OVMF: check and run say why', async () => {
    const uefi = await golden('appliance-x86_64-uefi.xml');
    const m = await matchHost(uefi.boots, noOvmf(), 'qemu');
    expect(m.chosen).toBeUndefined();
    const why = "boot descriptor 1 (hvm x86_64, UEFI from hd): rejected: a UEFI boot needs OVMF (UEFI firmware for x86_64), and this host has no firmware descriptor for it (Install Debian's ovmf package (scripts/setup-host.sh does): its descriptors in /usr/share/qemu/firmware are what libvirt picks UEFI firmware from.)";
    // What `kiln appliance check` lists, and what `run` and `update` refuse with.
    expect(describeVerdicts(m)).toEqual([why]);
    expect(unsuitableHost(m, 'web.appliance.tar')).toMatchObject({ code: 'APPLIANCE_HOST_UNSUITABLE', details: [why] });
  });
});
