/**
 * Host matching against libvirt's answers recorded on a build machine (an x86_64 host running
 * QEMU without KVM) and variants of them: a host whose 32-bit guests lack PAE, a Xen host without
 * hvm, a host without UEFI firmware. Every rejected boot descriptor says why.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDescriptor, type ApplianceDescriptor } from '../../src/appliance/descriptor.js';
import { parseCapabilities } from '../../src/appliance/host-caps.js';
import { describeVerdicts, matchHost } from '../../src/appliance/host-match.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { LIBVIRT_FIXTURES, recordedHost } from './fixtures/host.js';

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
    const host = recordedHost('caps-x86_64-host.xml');
    const m = await matchHost((await descriptor('targets/golden/appliance-x86_64.xml')).boots, host, 'qemu');
    expect(m.chosen?.boot.index).toBe(1);
    expect(host.asked).toEqual(['x86_64/qemu']);
  });

  it('runs an i686-only (PAE) guest on the x86_64 host, as its i686 hvm guest', async () => {
    const m = await matchHost((await descriptor('targets/golden/appliance-i686-three-disks.xml')).boots, recordedHost('caps-x86_64-host.xml'), 'qemu');
    expect(m.chosen).toMatchObject({ ok: true, boot: { arch: 'i686', features: { pae: 'on' } }, guest: { arch: 'i686', emulator: '/usr/bin/qemu-system-i386' } });
  });

  it('rejects a PAE-requiring guest on an x86_64 host whose 32-bit guests lack PAE, saying so', async () => {
    const m = await matchHost((await descriptor('targets/golden/appliance-i686-three-disks.xml')).boots, recordedHost('caps-x86_64-host-no-pae.xml'), 'qemu');
    expect(m.chosen).toBeUndefined();
    expect(describeVerdicts(m)).toEqual(["boot descriptor 1 (hvm i686, BIOS from hd): rejected: needs PAE, which the host's i686 guests lack (no <pae/> in libvirt's capabilities)"]);
    // …while one that asks for PAE off runs there.
    expect((await matchHost(boots({ arch: 'i686', features: '<pae state="off"/>' }).boots, recordedHost('caps-x86_64-host-no-pae.xml'), 'qemu')).chosen).toBeDefined();
  });

  it('rejects every hvm boot descriptor on a host without hvm, and Xen ones on a QEMU host, explaining each', async () => {
    const calendar = await descriptor('appliance/fixtures/descriptors/calendar.xml');
    const onXen = await matchHost(calendar.boots, recordedHost('caps-xen-pv-host.xml'), 'qemu');
    expect(onXen.chosen).toBeUndefined();
    expect(describeVerdicts(onXen)).toEqual([
      'boot descriptor 1 (xen i686, pygrub): rejected: a Xen paravirtualized boot: kiln deploys fully virtualized (hvm) guests on QEMU',
      'boot descriptor 2 (hvm i686, BIOS from hd): rejected: the host runs no fully virtualized (hvm) guests (libvirt offers: xen)',
    ]);
    const onQemu = await matchHost(calendar.boots, recordedHost('caps-x86_64-host.xml'), 'qemu');
    expect(describeVerdicts(onQemu)).toEqual([
      'boot descriptor 1 (xen i686, pygrub): rejected: a Xen paravirtualized boot, and the host runs no xen guests (libvirt offers: hvm)',
      'boot descriptor 2 (hvm i686, BIOS from hd): chosen',
    ]);
  });

  it("prefers the host's own arch among suitable descriptors, then document order", async () => {
    const m = await matchHost(boots({ arch: 'i686' }, { arch: 'x86_64' }).boots, recordedHost('caps-x86_64-host.xml'), 'qemu');
    expect(describeVerdicts(m)).toEqual(['boot descriptor 1 (hvm i686, BIOS from hd): suitable', 'boot descriptor 2 (hvm x86_64, BIOS from hd): chosen']);
  });

  it.each([
    ['an arch the host cannot run', { arch: 'ppc64' }, 'the host cannot run ppc64 guests (it runs hvm guests for i686, x86_64)'],
    ['APIC off (libvirt cannot turn it off)', { arch: 'x86_64', features: '<apic state="off"/>' }, "needs APIC off, which libvirt cannot turn off for x86_64 guests (toggle='no')"],
    ['PAE off for a 64-bit guest', { arch: 'x86_64', features: '<pae state="off"/>' }, 'asks for PAE off, but a 64-bit guest always runs with PAE'],
    ['UEFI on a host without OVMF', { arch: 'x86_64', loader: '<loader dev="hd" firmware="efi"/>' }, 'needs UEFI firmware, which libvirt cannot find on this host (install OVMF: Debian ovmf, ovmf-ia32)'],
    ['pygrub in an hvm descriptor', { arch: 'x86_64', loader: '<loader>pygrub</loader>' }, 'pygrub boots Xen paravirtualized guests only'],
  ])('rejects %s', async (_what, boot, reason) => {
    const m = await matchHost(boots(boot).boots, recordedHost('caps-x86_64-host.xml', (arch) => (arch === 'x86_64' ? 'domcaps-x86_64-qemu-no-ovmf.xml' : `domcaps-${arch}-qemu.xml`)), 'qemu');
    expect(m.chosen).toBeUndefined();
    expect(m.verdicts[0]!.reasons).toEqual([reason]);
  });

  it('accepts ACPI off (libvirt can toggle it), PAE on for a 64-bit guest, and UEFI where OVMF is', async () => {
    const rescue = await descriptor('appliance/fixtures/descriptors/rescue-cdrom.xml');
    expect((await matchHost(rescue.boots, recordedHost('caps-x86_64-host.xml'), 'qemu')).chosen).toBeDefined();
    expect((await matchHost(boots({ arch: 'x86_64', features: '<pae/><acpi state="off"/>' }).boots, recordedHost('caps-x86_64-host.xml'), 'qemu')).chosen).toBeDefined();
  });

  it('rejects a domain type libvirt does not offer for the arch', async () => {
    const m = await matchHost(boots({ arch: 'x86_64' }).boots, recordedHost('caps-x86_64-host.xml'), 'xen');
    expect(m.verdicts[0]!.reasons).toEqual(['libvirt has no xen domains for x86_64 (it has: qemu, kvm)']);
  });
});
