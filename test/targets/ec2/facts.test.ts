import { describe, expect, it } from 'vitest';
import { ec2Facts, ec2Prep } from '../../../src/targets/ec2/facts.js';
import type { KilnError } from '../../../src/core/errors.js';
import { checkReport, parseReport } from '../../../src/targets/prep/report.js';
import { REPORT_BEGIN, REPORT_END } from '../../../src/targets/prep/script.js';

const report = (lines: string[]) => parseReport([REPORT_BEGIN, ...lines, REPORT_END].join('\n'));

/** What cloud prep for EC2 accepts of a guest, judged on the report the guest script writes. */
describe('ec2Prep', () => {
  const CONSOLE = 'console=tty0 console=ttyS0,115200n8';
  const NVME_TIMEOUT = 'nvme_core.io_timeout=4294967295';
  const guest = (modules: string[], entryArgs: string) =>
    report([...modules.map((m) => `module\t${m}.ko`), 'kernel\t6.1.0', 'initramfs\t/boot/initrd.img-6.1.0', `entry\tlinux /vmlinuz-6.1.0 root=UUID=x ro ${entryArgs}`]);
  const verdict = (arch: 'x86_64' | 'i686', r: ReturnType<typeof report>): string => {
    try {
      checkReport(ec2Prep(arch), r, () => {});
      return 'ok';
    } catch (error) {
      return `${(error as KilnError).code}: ${(error as KilnError).message}`;
    }
  };

  it.each([
    // 64-bit: Xen and Nitro instances, so the Xen disk, NVMe and ENA drivers, and NVMe I/O that never times out.
    ['x86_64', ['xen-blkfront', 'nvme', 'ena'], `${CONSOLE} ${NVME_TIMEOUT}`, 'ok'],
    ['x86_64', ['xen-blkfront', 'nvme'], `${CONSOLE} ${NVME_TIMEOUT}`, /TARGET_MISSING_DRIVERS: .*lacks ena/],
    ['x86_64', ['xen-blkfront', 'xen-netfront'], `${CONSOLE} ${NVME_TIMEOUT}`, /TARGET_MISSING_DRIVERS: .*lacks nvme, ena/],
    ['x86_64', ['xen-blkfront', 'nvme', 'ena'], CONSOLE, /TARGET_CMDLINE_NOT_APPLIED: .*1 boot entries lack .*nvme_core\.io_timeout/],
    ['x86_64', ['xen-blkfront', 'nvme', 'ena'], NVME_TIMEOUT, /TARGET_CMDLINE_NOT_APPLIED/],
    // 32-bit instance types are all Xen: the Xen front-ends, no NVMe or ENA (64-bit only), no NVMe timeout.
    ['i686', ['xen-blkfront', 'xen-netfront'], CONSOLE, 'ok'],
    ['i686', ['xen-blkfront', 'nvme', 'ena'], CONSOLE, /TARGET_MISSING_DRIVERS: .*lacks xen-netfront/],
    ['i686', ['xen-blkfront', 'xen-netfront'], 'quiet', /TARGET_CMDLINE_NOT_APPLIED/],
  ] as const)('%s with %j and boot entry "%s": %s', (arch, modules, args, expected) => {
    const found = verdict(arch, guest([...modules], args));
    if (expected === 'ok') expect(found).toBe('ok');
    else expect(found).toMatch(expected);
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
