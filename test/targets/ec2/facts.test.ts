import { describe, expect, it } from 'vitest';
import { ec2Facts, ec2Prep } from '../../../src/targets/ec2/facts.js';
import { parseReport } from '../../../src/targets/prep/report.js';
import { REPORT_BEGIN, REPORT_END } from '../../../src/targets/prep/script.js';

const report = (lines: string[]) => parseReport([REPORT_BEGIN, ...lines, REPORT_END].join('\n'));

describe('ec2Prep', () => {
  it.each([
    ['x86_64', ['xen-blkfront', 'nvme', 'ena'], true],
    ['i686', ['xen-blkfront', 'xen-netfront'], false],
  ] as const)('%s needs %j', (arch, modules, nvmeTimeout) => {
    const spec = ec2Prep(arch);
    expect(spec.requiredModules).toEqual(modules);
    expect(spec).toMatchObject({ datasources: ['Ec2'], lockRoot: true, sshPasswordOff: true });
    expect(spec.cmdlineAdd).toEqual(expect.arrayContaining(['console=tty0', 'console=ttyS0,115200n8']));
    expect(spec.cmdlineAdd.includes('nvme_core.io_timeout=4294967295')).toBe(nvmeTimeout);
  });
});

describe('ec2Facts', () => {
  it.each([
    ['x86_64', ['bios\tyes', 'module\tena.ko'], { architecture: 'x86_64', bootMode: 'legacy-bios', enaSupport: true }],
    ['x86_64', ['bios\tyes', 'efi\tyes', 'module\tena.ko'], { architecture: 'x86_64', bootMode: 'uefi-preferred', enaSupport: true }],
    ['x86_64', ['efi\tyes', 'builtin\tena.ko'], { architecture: 'x86_64', bootMode: 'uefi', enaSupport: true }],
    ['x86_64', ['bios\tyes'], { architecture: 'x86_64', bootMode: 'legacy-bios', enaSupport: false }],
    ['i686', ['bios\tyes', 'efi\tyes', 'module\tena.ko'], { architecture: 'i386', bootMode: 'legacy-bios', enaSupport: false }],
  ] as const)('%s %j', (arch, lines, facts) => {
    expect(ec2Facts(arch, report([...lines]))).toEqual({ ...facts, virtualizationType: 'hvm', rootDeviceName: '/dev/xvda' });
  });

  // What the disk boots (the base record, read at capture) wins over the files prep saw in the guest.
  it.each([
    ['x86_64', ['bios', 'uefi'], 'uefi-preferred'],
    ['x86_64', ['bios', 'uefi', 'uefi-secure'], 'uefi-preferred'],
    ['x86_64', ['uefi', 'uefi-secure'], 'uefi'],
    ['x86_64', ['bios'], 'legacy-bios'],
    ['i686', ['bios', 'uefi'], 'legacy-bios'],
  ] as const)('%s whose disk boots %j: %s', (arch, firmware, bootMode) => {
    // The guest's files say the opposite (GRUB's BIOS modules and an EFI directory both there).
    const facts = ec2Facts(arch, report(['bios\tyes', 'efi\tyes']), { table: 'gpt', firmware: [...firmware], evidence: [] });
    expect(facts.bootMode).toBe(bootMode);
  });

  it('a disk that boots nothing leaves it to the guest files', () => {
    expect(ec2Facts('x86_64', report(['efi\tyes']), { table: 'none', firmware: [], evidence: [] }).bootMode).toBe('uefi');
  });
});
