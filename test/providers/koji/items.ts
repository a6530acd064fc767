/** Import items for the Koji unit tests: an rpm image of two arches, and the Debian test double's. */
import type { ImportItem, ItemBuildroot, ItemFile } from '../../../src/providers/koji/item.js';

const HOST = { os: 'debian-12', arch: 'x86_64' };
const TOOLS = [
  { name: 'kiln', version: '0.1.0' },
  { name: 'qemu', version: '7.2.15' },
  { name: 'libvirt', version: '9.0.0' },
  { name: 'libguestfs', version: '1.48.6' },
  { name: 'xz', version: '5.4.1' },
];
const sha = (c: string) => c.repeat(64);

function buildroot(key: string, arch: string, format: 'rpm' | 'deb'): ItemBuildroot {
  const packages =
    format === 'rpm'
      ? [
          { format, name: 'bash', epoch: '0', version: '4.2.45', release: '1.fc19', arch, sigmd5: '0123456789abcdef0123456789abcdef' },
          { format, name: 'openssh-server', epoch: '2', version: '6.2p2', release: '3.fc19', arch },
        ]
      : [{ format, name: 'openssh-server', epoch: '1', version: '9.2p1', release: '2+deb12u3', arch: arch === 'x86_64' ? 'amd64' : 'i386' }];
  return { key, host: HOST, kilnVersion: '0.1.0', tools: TOOLS, packages, extra: { base: key, accelerator: 'tcg' } };
}

function files(key: string, arch: string, c: string): ItemFile[] {
  return [
    { path: `/out/F-19.${arch}.qcow2`, name: `F-19.${arch}.qcow2`, kind: 'image', arch, buildroot: key, size: 4_600_000_000, sha256: sha(c), extra: { target: 'openstack', format: 'qcow2' } },
    { path: `/store/${key}/record.json`, name: `kiln-base-${key}.record.json`, kind: 'record', arch, buildroot: key, size: 2048, sha256: sha('e') },
    { path: `/logs/${key}/console.log`, name: 'console.log', kind: 'log', subdir: arch, arch: 'noarch', buildroot: key, size: 10, sha256: sha('f') },
  ];
}

export function rpmItem(): ImportItem {
  return {
    nvr: { name: 'Fedora-Cloud-Base', version: '19', release: '1.3' },
    source: 'x86_64: kickstart sha256:aa from tree http://mirror/19/x86_64/os; kiln 0.1.0',
    startTime: 1_700_000_000,
    endTime: 1_700_000_600,
    buildroots: [buildroot('b1', 'x86_64', 'rpm'), buildroot('b2', 'i686', 'rpm')],
    files: [...files('b1', 'x86_64', 'a'), ...files('b2', 'i686', 'b')],
    extra: { targets: ['openstack'] },
  };
}

export function debItem(): ImportItem {
  return { ...rpmItem(), buildroots: [buildroot('b1', 'x86_64', 'deb')], files: files('b1', 'x86_64', 'a') };
}
