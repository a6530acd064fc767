/**
 * Golden files of the generated domain XML (test/hypervisor/golden/<case>.xml; regenerate with
 * UPDATE_GOLDEN=1 and review the diff), each also checked against libvirt's own domain schema
 * with virt-xml-validate.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDomainXml, emulatorFor, type DomainSpec } from '../../../hypervisor/index.js';
import { run } from '../../../src/core/run.js';
import { PROJECT_ROOT } from '../../../src/core/version.js';

const GOLDEN = join(PROJECT_ROOT, 'test', 'hypervisor', 'golden');

const cases: Array<[string, DomainSpec]> = [
  [
    'install-x86_64',
    {
      name: 'kiln-install-3f2a',
      uuid: '6b1a9c1e-0d55-4f0e-9a57-2d1f0c3b8e41',
      type: 'qemu',
      arch: 'x86_64',
      memoryMiB: 2048,
      vcpus: 2,
      boot: {
        kernel: '/var/cache/kiln/media/f19/vmlinuz',
        initrd: '/var/cache/kiln/builds/3f2a/initrd.img',
        cmdline: 'inst.ks=file:/ks.cfg inst.repo=http://10.0.2.2:8431/tree inst.cmdline console=ttyS0 a="b & c"',
      },
      disks: [{ path: '/var/cache/kiln/builds/3f2a/disk.qcow2', format: 'qcow2', discard: 'unmap', cache: 'unsafe' }],
      network: { model: 'virtio' },
      serialLog: '/var/cache/kiln/builds/3f2a/console.log',
      channels: [{ name: 'org.fedoraproject.anaconda.log.0', path: '/var/cache/kiln/builds/3f2a/anaconda.log' }],
      rng: true,
    },
  ],
  [
    'install-i686',
    {
      name: 'kiln-install-i686',
      uuid: '0f7d2c84-5b7e-4a61-b0d6-9e2f4c1a7b30',
      type: 'qemu',
      arch: 'i686',
      memoryMiB: 1024,
      vcpus: 1,
      boot: { kernel: '/srv/tree/images/pxeboot/vmlinuz', initrd: '/srv/initrd.img', cmdline: 'console=ttyS0' },
      disks: [{ path: '/srv/disk.qcow2', format: 'qcow2', discard: 'unmap' }],
      network: { model: 'e1000' },
      serialLog: '/srv/console.log',
      channels: [
        { name: 'org.fedoraproject.anaconda.log.0', path: '/srv/anaconda.log' },
        { name: 'org.kiln.packages.0', path: '/srv/packages.log' },
      ],
      rng: true,
    },
  ],
  [
    'boot-hd-kvm',
    {
      name: 'kiln-verify-boot',
      type: 'kvm',
      arch: 'x86_64',
      memoryMiB: 512,
      vcpus: 2,
      boot: { device: 'hd' },
      disks: [
        { path: '/srv/base.raw', format: 'raw', readonly: true },
        { path: '/srv/scratch.qcow2', format: 'qcow2', target: 'vdc' },
      ],
      serialLog: '/srv/boot-console.log',
    },
  ],
  [
    'boot-test-ec2',
    {
      name: 'kiln-test-ec2',
      uuid: 'ec2a7c31-5d0e-4b8f-9a41-0c2d3e4f5a6b',
      type: 'qemu',
      arch: 'x86_64',
      memoryMiB: 1024,
      vcpus: 2,
      boot: { device: 'hd' },
      disks: [{ path: '/srv/test/overlay.qcow2', format: 'qcow2', cache: 'unsafe' }],
      network: {
        model: 'virtio',
        mac: '52:54:00:12:34:56',
        subnet: '169.254.169.0/24',
        hostForwards: [{ hostPort: 40022, guestPort: 22 }],
        guestForwards: [{ address: '169.254.169.254', port: 80, hostPort: 40080 }],
      },
      sysinfo: { manufacturer: 'Amazon EC2', product: 't3.micro', serial: 'ec2a7c31-5d0e-4b8f-9a41-0c2d3e4f5a6b' },
      firmwareOnSerial: true,
      serialLog: '/srv/test/console.log',
      rng: true,
    },
  ],
  [
    'boot-test-nocloud',
    {
      name: 'kiln-test-nocloud',
      uuid: '3c9e2b17-7f4a-4d2e-8b61-5a0f9c3d2e1b',
      type: 'qemu',
      arch: 'i686',
      memoryMiB: 1024,
      vcpus: 2,
      boot: { device: 'hd' },
      disks: [
        { path: '/srv/test/overlay.qcow2', format: 'qcow2', cache: 'unsafe' },
        { path: '/srv/test/seed.iso', format: 'raw', readonly: true },
      ],
      network: { model: 'virtio', mac: '52:54:00:ab:cd:ef' },
      serialLog: '/srv/test/console.log',
    },
  ],
  [
    // The installer under OVMF (no Secure Boot: kiln's installs boot its kernel directly).
    'install-x86_64-uefi',
    {
      name: 'kiln-install-uefi',
      uuid: '5d0c8a2e-41f7-4c3b-9e6a-7b2f1d9c0a58',
      type: 'qemu',
      arch: 'x86_64',
      memoryMiB: 2048,
      vcpus: 2,
      firmware: { kind: 'uefi', secureBoot: false, nvram: '/var/cache/kiln/builds/5d0c/nvram.fd' },
      boot: { kernel: '/srv/tree/images/pxeboot/vmlinuz', initrd: '/var/cache/kiln/builds/5d0c/initrd.img', cmdline: 'inst.ks=file:/ks.cfg console=ttyS0' },
      disks: [{ path: '/var/cache/kiln/builds/5d0c/disk.qcow2', format: 'qcow2', discard: 'unmap', cache: 'unsafe' }],
      network: { model: 'virtio' },
      serialLog: '/var/cache/kiln/builds/5d0c/console.log',
      channels: [{ name: 'org.fedoraproject.anaconda.log.0', path: '/var/cache/kiln/builds/5d0c/anaconda.log' }],
      rng: true,
    },
  ],
  [
    // A boot test under OVMF: i440FX, the NIC on pci.0; SeaBIOS's useserial does not apply.
    'boot-test-uefi',
    {
      name: 'kiln-test-uefi',
      uuid: '9a3f6c21-0b8e-4d57-a1c4-6e2d8f0b7c93',
      type: 'qemu',
      arch: 'x86_64',
      memoryMiB: 1024,
      vcpus: 2,
      firmware: { kind: 'uefi', secureBoot: false, nvram: '/srv/test/nvram.fd' },
      boot: { device: 'hd' },
      disks: [
        { path: '/srv/test/overlay.qcow2', format: 'qcow2', cache: 'unsafe' },
        { path: '/srv/test/seed.iso', format: 'raw', readonly: true },
      ],
      network: { model: 'virtio', mac: '52:54:00:0e:f1:01', hostForwards: [{ hostPort: 40122, guestPort: 22 }] },
      firmwareOnSerial: true,
      serialLog: '/srv/test/console.log',
      rng: true,
    },
  ],
  [
    // The EC2 way under OVMF with Secure Boot: Q35 with SMM, the NIC on its PCI Express root bus.
    'boot-test-uefi-secure-ec2',
    {
      name: 'kiln-test-uefi-secure',
      uuid: 'ec2b1d44-8c3a-4f1e-b7d9-2a6c0e5f3b81',
      type: 'qemu',
      arch: 'x86_64',
      memoryMiB: 1024,
      vcpus: 2,
      firmware: { kind: 'uefi', secureBoot: true, nvram: '/srv/test/nvram.fd' },
      boot: { device: 'hd' },
      disks: [{ path: '/srv/test/overlay.qcow2', format: 'qcow2', cache: 'unsafe' }],
      network: {
        model: 'virtio',
        mac: '52:54:00:0e:f1:02',
        subnet: '169.254.169.0/24',
        hostForwards: [{ hostPort: 40222, guestPort: 22 }],
        guestForwards: [{ address: '169.254.169.254', port: 80, hostPort: 40280 }],
      },
      sysinfo: { manufacturer: 'Amazon EC2', product: 't3.micro', serial: 'ec2b1d44-8c3a-4f1e-b7d9-2a6c0e5f3b81' },
      firmwareOnSerial: true,
      serialLog: '/srv/test/console.log',
      rng: true,
    },
  ],
  [
    'minimal',
    {
      name: 'kiln-minimal',
      type: 'qemu',
      arch: 'x86_64',
      memoryMiB: 256,
      vcpus: 1,
      emulator: '/opt/qemu/bin/qemu-system-x86_64',
      boot: { kernel: '/boot/vmlinuz' },
      disks: [],
    },
  ],
];

const minimal = cases.find(([name]) => name === 'minimal')![1];

describe('buildDomainXml', () => {
  it.each(cases)('%s matches its golden file', async (name, spec) => {
    const xml = buildDomainXml(spec);
    const file = join(GOLDEN, `${name}.xml`);
    if (process.env.UPDATE_GOLDEN) await writeFile(file, xml);
    expect(xml).toBe(await readFile(file, 'utf8'));
  });

  it.each(cases.map(([name]) => [name]))('%s is valid for libvirt’s domain schema', async (name) => {
    const result = await run('virt-xml-validate', [join(GOLDEN, `${name}.xml`), 'domain'], { timeoutMs: 30_000 });
    expect(result.stdout + result.stderr).toMatch(/validates/);
  });

  it.each([
    ['x86_64', '/usr/bin/qemu-system-x86_64'],
    ['i686', '/usr/bin/qemu-system-i386'],
  ] as const)('runs %s guests with %s', (arch, emulator) => {
    expect(emulatorFor(arch)).toBe(emulator);
    const xml = buildDomainXml({ ...minimal, emulator: undefined, arch });
    expect(xml).toContain(`<emulator>${emulator}</emulator>`);
    expect(xml).toContain(`<type arch="${arch}" machine="pc">hvm</type>`);
  });

  it.each([
    ['ACPI, without which a guest poweroff never stops the domain', '<acpi/>'],
    ['destroy on poweroff', '<on_poweroff>destroy</on_poweroff>'],
    ['destroy on reboot', '<on_reboot>destroy</on_reboot>'],
    ['destroy on crash', '<on_crash>destroy</on_crash>'],
  ])('always sets %s', (_what, fragment) => {
    for (const [, spec] of cases) expect(buildDomainXml(spec)).toContain(fragment);
  });

  it('escapes text and attributes', () => {
    const xml = buildDomainXml({ ...minimal, boot: { kernel: '/k&<x>', cmdline: `a="b" c<d & 'e'` } });
    expect(xml).toContain('<kernel>/k&amp;&lt;x&gt;</kernel>');
    expect(xml).toContain('<cmdline>a=&quot;b&quot; c&lt;d &amp; &apos;e&apos;</cmdline>');
  });
});

describe('firmware', () => {
  const spec = (name: string) => cases.find(([n]) => n === name)![1];

  it.each([
    ['BIOS (the default): SeaBIOS on i440FX, on the serial console when asked', 'boot-test-ec2', ['machine="pc"', '<bios useserial="yes"/>'], ['firmware="efi"', '<nvram>', '<smm']],
    ['UEFI: OVMF chosen by libvirt (no path named), Secure Boot off, the guest’s own NVRAM', 'boot-test-uefi', ['<os firmware="efi">', '<feature enabled="no" name="secure-boot"/>', '<nvram>/srv/test/nvram.fd</nvram>', 'machine="pc"', 'bus=pci.0'], ['<loader', 'OVMF', 'useserial', '<smm']],
    ['UEFI with Secure Boot: enrolled keys, Q35 with SMM, the NIC on pcie.0', 'boot-test-uefi-secure-ec2', ['<feature enabled="yes" name="secure-boot"/>', '<feature enabled="yes" name="enrolled-keys"/>', 'machine="q35"', '<smm state="on"/>', 'bus=pcie.0'], ['<loader', 'OVMF', 'bus=pci.0,']],
    ['UEFI with a kernel booted directly (installs)', 'install-x86_64-uefi', ['<os firmware="efi">', '<kernel>/srv/tree/images/pxeboot/vmlinuz</kernel>', '<nvram>'], ['<boot dev']],
  ])('%s', (_what, name, present, absent) => {
    const xml = buildDomainXml(spec(name));
    for (const p of present) expect(xml).toContain(p);
    for (const a of absent) expect(xml).not.toContain(a);
  });

  it('network-boot ROMs are off: a firmware with no boot loader says so at once', () => {
    expect(buildDomainXml(spec('boot-test-ec2'))).toContain('addr=0x1e,romfile=,mac=');
  });

  it.each([
    [{ arch: 'i686' as const, firmware: { kind: 'uefi' as const, secureBoot: false, nvram: '/srv/nvram.fd' } }, /firmware uefi is for x86_64 guests; i686 guests boot with BIOS/],
    [{ firmware: { kind: 'uefi' as const, secureBoot: true, nvram: 'nvram.fd' } }, /firmware\.nvram must be an absolute path/],
    [{ firmware: { kind: 'coreboot' } as never }, /firmware\.kind must be bios or uefi/],
  ])('%j is refused', (change, message) => {
    expect(() => buildDomainXml({ ...minimal, ...change })).toThrow(message);
  });
});

describe('user-mode network forwards', () => {
  it('pass QEMU its own -netdev user (hostfwd on loopback only, guestfwd to a loopback server)', () => {
    const xml = buildDomainXml(cases.find(([n]) => n === 'boot-test-ec2')![1]);
    expect(xml).toContain('<qemu:arg value="user,id=kilnnet0,net=169.254.169.0/24,hostfwd=tcp:127.0.0.1:40022-:22,guestfwd=tcp:169.254.169.254:80-tcp:127.0.0.1:40080"/>');
    expect(xml).not.toContain('<interface');
  });

  it.each([
    [{ subnet: '169.254.169.0/24', guestForwards: [{ address: '10.0.2.9', port: 80, hostPort: 1 }] }, /outside the guest network 169\.254\.169\.0\/24/],
    [{ guestForwards: [{ address: '169.254.169.254', port: 80, hostPort: 1 }] }, /outside the guest network 10\.0\.2\.0\/24/],
    [{ subnet: '169.254.0.0/33' }, /not an IPv4 subnet/],
    [{ hostForwards: [{ hostPort: 0, guestPort: 22 }] }, /ports 1-65535/],
    [{ mac: '52:54:00:zz:00:00' }, /not a MAC address/],
  ])('%j is refused', (network, message) => {
    expect(() => buildDomainXml({ ...minimal, network })).toThrow(message);
  });
});
