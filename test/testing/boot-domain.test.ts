/** The boot test's domain: BIOS unless a firmware is given, and then exactly that firmware. */
import { describe, expect, it } from 'vitest';
import { buildDomainXml } from '../../hypervisor/index.js';
import { bootDomain, type BootDomainInput } from '../../src/testing/boot-domain.js';

const input: BootDomainInput = {
  name: 'kiln-test-1', type: 'qemu', arch: 'x86_64', memoryMiB: 1024, vcpus: 2, overlay: '/w/overlay.qcow2',
  sshPort: 40022, mac: '52:54:00:00:00:01', console: '/w/console.log',
};

describe('bootDomain firmware', () => {
  it('BIOS by default, SeaBIOS on the serial console', () => {
    const xml = buildDomainXml(bootDomain(input));
    expect(xml).toContain('<bios useserial="yes"/>');
    expect(xml).not.toContain('firmware="efi"');
  });

  it('UEFI with Secure Boot, the EC2 way: Q35, SMM, enrolled keys, its own NVRAM', () => {
    const spec = bootDomain({ ...input, ec2: { uuid: 'ec2b1d44-8c3a-4f1e-b7d9-2a6c0e5f3b81', imdsPort: 40080, instanceType: 't3.micro' }, firmware: { kind: 'uefi', secureBoot: true, nvram: '/w/nvram.fd' } });
    expect(spec.firmware).toEqual({ kind: 'uefi', secureBoot: true, nvram: '/w/nvram.fd' });
    const xml = buildDomainXml(spec);
    for (const p of ['<os firmware="efi">', 'machine="q35"', '<smm state="on"/>', '<feature enabled="yes" name="enrolled-keys"/>', '<nvram>/w/nvram.fd</nvram>', 'bus=pcie.0']) expect(xml).toContain(p);
  });
});
