/**
 * The domains of deployed instances, generated from the chosen boot descriptor and what was
 * decided at deploy time: golden files (test/appliance/golden; UPDATE_GOLDEN=1 rewrites them),
 * each valid for libvirt's own domain schema (virt-xml-validate).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDomainXml } from '../../hypervisor/index.js';
import { parseDescriptor } from '../../src/appliance/descriptor.js';
import { instanceDomainSpec } from '../../src/appliance/domain-spec.js';
import type { InstanceRecord } from '../../src/appliance/instance-record.js';
import { run } from '../../src/core/run.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { goldenFiles } from '../golden.js';

const golden = goldenFiles('appliance');
const DIR = '/home/user/.cache/kiln/instances/web1';
const VERSION = '/home/user/.cache/kiln/instances/images/web/1.0-0123456789ab';

function record(extra: Partial<InstanceRecord>): InstanceRecord {
  return {
    schemaVersion: 1,
    name: 'web1',
    state: 'ready',
    appliance: { name: 'web', version: '1.0', key: '1.0-0123456789ab' },
    boot: { index: 2, arch: 'i686' },
    uri: 'qemu:///session',
    domain: { name: 'web1', uuid: '5d0c9f52-7a43-4c1e-9d6b-2f8e1a3c4b5d', type: 'qemu' },
    memoryMiB: 512,
    vcpus: 2,
    network: { kind: 'user', sshPort: 40022 },
    macs: ['52:54:00:1a:2b:3c', '52:54:00:4d:5e:6f'],
    disks: [
      { file: 'disks/hda-system.qcow2', target: 'hda', bus: 'ide', device: 'disk', use: 'system', format: 'qcow2', source: 'app.img' },
      { file: 'disks/hdb-data.qcow2', target: 'hdb', bus: 'ide', device: 'disk', use: 'data', format: 'qcow2', source: 'db' },
      { file: 'disks/hdc-scratch.qcow2', target: 'hdc', bus: 'ide', device: 'disk', use: 'scratch', format: 'qcow2', source: 'tmp.img' },
    ],
    instanceId: 'i-0123456789abcdef0',
    createdAt: '2026-11-25T00:00:00Z',
    updatedAt: '2026-11-25T00:00:00Z',
    ...extra,
  };
}

async function descriptor(name: string, dir = join(PROJECT_ROOT, 'test', 'appliance', 'fixtures', 'descriptors')) {
  const file = join(dir, name);
  return parseDescriptor(await readFile(file, 'utf8'), file);
}

/** A descriptor the appliance target writes (its golden files). */
const written = (name: string) => descriptor(name, join(PROJECT_ROOT, 'test', 'targets', 'golden'));

const X86_64_RECORD: Partial<InstanceRecord> = {
  boot: { index: 1, arch: 'x86_64' },
  macs: ['52:54:00:1a:2b:3c'],
  disks: [{ file: 'disks/vda-system.qcow2', target: 'vda', bus: 'virtio', device: 'disk', use: 'system', format: 'qcow2', source: 'Fedora-Cloud-Base-19.x86_64-sda.qcow2' }],
};

describe('instance domains', () => {
  it('virt-image’s calendar appliance, its hvm i686 descriptor: PAE, two NICs on user-mode networking (SSH forwarded), VNC on loopback, a seed', async () => {
    const d = await descriptor('calendar.xml');
    const spec = instanceDomainSpec({ record: record({}), boot: d.boots[1]!, devices: d.devices, instanceDir: DIR, versionDir: VERSION, seed: `${DIR}/seed.iso`, graphics: true });
    const xml = buildDomainXml(spec);
    const file = await golden.expect('instance-calendar-i686.xml', xml);
    expect(xml).toContain('<on_reboot>restart</on_reboot>');
    expect(xml).toContain('hostfwd=tcp:127.0.0.1:40022-:22');
    expect(xml).toMatch(/<serial type="pty">\s*<log file="[^"]*\/web1\/console.log" append="on"\/>/);
    await run('virt-xml-validate', [file, 'domain'], { timeoutMs: 30_000 });
  });

  it('a kernel boot on a named libvirt network, and an ISO on the cdrom', async () => {
    const d = await descriptor('kernel-boot.xml');
    const spec = instanceDomainSpec({
      record: record({
        boot: { index: 1, arch: 'x86_64' },
        network: { kind: 'network', name: 'default' },
        macs: ['52:54:00:aa:bb:cc'],
        disks: [
          { file: 'disks/vda-system.qcow2', target: 'vda', bus: 'virtio', device: 'disk', use: 'system', format: 'qcow2', source: 'root.raw' },
          { file: 'isos/tools.iso', shared: true, target: 'hda', bus: 'ide', device: 'cdrom', use: 'system', format: 'iso', source: 'tools' },
        ],
      }),
      boot: d.boots[0]!,
      devices: d.devices,
      instanceDir: DIR,
      versionDir: VERSION,
      graphics: true,
    });
    const xml = buildDomainXml(spec);
    const file = await golden.expect('instance-kernel-network.xml', xml);
    expect(xml).toContain(`<kernel>${VERSION}/boot/vmlinuz</kernel>`);
    expect(xml).toMatch(/<interface type="network">\s*<mac address="52:54:00:aa:bb:cc"\/>\s*<source network="default"\/>\s*<model type="e1000"\/>/);
    expect(xml).not.toContain('qemu:commandline');
    expect(xml).not.toContain('<graphics');
    await run('virt-xml-validate', [file, 'domain'], { timeoutMs: 30_000 });
  });

  it('a disk that boots only UEFI (one boot descriptor, its loader efi): OVMF through libvirt’s firmware auto-selection, the instance’s own variable store', async () => {
    const d = await written('appliance-x86_64-uefi.xml');
    const spec = instanceDomainSpec({ record: record(X86_64_RECORD), boot: d.boots[0]!, devices: d.devices, instanceDir: DIR, versionDir: VERSION, seed: `${DIR}/seed.iso`, graphics: false });
    expect(spec.firmware).toEqual({ kind: 'uefi', secureBoot: false, nvram: `${DIR}/nvram.fd` });
    const xml = buildDomainXml(spec);
    const file = await golden.expect('instance-x86_64-uefi.xml', xml);
    expect(xml).toMatch(/<os firmware="efi">\s*<type arch="x86_64" machine="pc">hvm<\/type>\s*<firmware>\s*<feature enabled="no" name="secure-boot"\/>\s*<\/firmware>\s*<nvram>[^<]*\/web1\/nvram.fd<\/nvram>/);
    expect(xml).not.toContain('<loader');
    await run('virt-xml-validate', [file, 'domain'], { timeoutMs: 30_000 });
  });

  it('a hybrid disk’s descriptors: BIOS (SeaBIOS, no firmware element) from the first, UEFI from the second', async () => {
    const d = await written('appliance-x86_64-hybrid.xml');
    const [bios, uefi] = d.boots.map((boot) => buildDomainXml(instanceDomainSpec({ record: record(X86_64_RECORD), boot, devices: d.devices, instanceDir: DIR, versionDir: VERSION, graphics: false })));
    expect(bios).not.toMatch(/firmware=|<nvram/);
    expect(bios).toContain('<bios useserial="yes"/>');
    expect(uefi).toContain('<os firmware="efi">');
    expect(uefi).not.toContain('useserial');
  });
});
