import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collect } from '../../../src/core/events.js';
import type { KilnError } from '../../../src/core/errors.js';
import { checkReport, entriesMissingArgs, missingModules, normalizeModule, parseReport, type PrepReport } from '../../../src/targets/prep/report.js';
import { REPORT_BEGIN, REPORT_END } from '../../../src/targets/prep/script.js';
import { genericCloudPrep, type PrepSpec } from '../../../src/targets/prep/spec.js';
import { ec2Prep } from '../../../src/targets/ec2/facts.js';
import { GOLDEN_DIR } from '../golden.js';

/** A report captured from a real Debian 12 guest (virt-sysprep + kiln's guest script). */
const realReport = async () => parseReport(await readFile(join(GOLDEN_DIR, 'report-debian12-ec2.txt'), 'utf8'));

const report = (lines: string[]) => parseReport([REPORT_BEGIN, ...lines, REPORT_END].join('\n'));

const thrown = (f: () => void): KilnError => {
  try {
    f();
  } catch (error) {
    return error as KilnError;
  }
  throw new Error('expected an error');
};

describe('normalizeModule', () => {
  it.each([
    ['xen-blkfront.ko', 'xen_blkfront'],
    ['ena.ko.xz', 'ena'],
    ['nvme.ko.zst', 'nvme'],
    ['xen_netfront', 'xen_netfront'],
  ])('%s → %s', (name, normal) => {
    expect(normalizeModule(name)).toBe(normal);
  });
});

describe('parseReport', () => {
  it('reads what a real guest reported', async () => {
    const r = await realReport();
    expect(r).toMatchObject({
      cloudInit: true,
      sshd: true,
      grubTool: 'update-grub',
      grubConfigs: ['/boot/grub/grub.cfg'],
      kernel: '6.1.0-50-amd64',
      initramfs: '/boot/initrd.img-6.1.0-50-amd64',
      initramfsTool: 'lsinitramfs',
      modules: ['xen_blkfront', 'ena', 'nvme'],
      errors: [],
    });
    expect(r.entries).toHaveLength(3);
  });

  it('refuses text without the report markers', () => {
    expect(thrown(() => parseReport('cloud-init\tyes\n')).code).toBe('TARGET_PREP_NO_REPORT');
  });
});

describe('checkReport', () => {
  const serialOnly: PrepSpec = { ...ec2Prep('x86_64'), cmdlineAdd: ['console=tty0', 'console=ttyS0,115200n8'] };

  it('accepts the real Debian guest for EC2 (all drivers, console on every entry)', async () => {
    const { emit, events } = collect();
    checkReport(serialOnly, await realReport(), emit);
    expect(events).toEqual([]);
  });

  it.each([
    ['ena missing', ['module\txen-blkfront.ko', 'module\tnvme.ko'], ['ena']],
    ['nothing found', [], ['xen-blkfront', 'nvme', 'ena']],
    ['built into the kernel counts', ['module\txen-blkfront.ko', 'builtin\tnvme.ko', 'builtin\tena.ko'], []],
    ['compressed modules count', ['module\txen-blkfront.ko.xz', 'module\tnvme.ko.zst', 'module\tena.ko.xz'], []],
  ])('drivers: %s', (_name, lines, missing) => {
    const r = report(['initramfs\t/boot/initrd.img-6.1', 'kernel\t6.1', 'entry\tlinux /vmlinuz ro console=tty0 console=ttyS0,115200n8', ...lines]);
    expect(missingModules(serialOnly, r)).toEqual(missing);
    if (missing.length === 0) {
      checkReport(serialOnly, r, () => {});
      return;
    }
    const err = thrown(() => checkReport(serialOnly, r, () => {}));
    expect(err.code).toBe('TARGET_MISSING_DRIVERS');
    expect(err.message).toContain(`lacks ${missing.join(', ')}`);
    expect(err.message).toContain('/boot/initrd.img-6.1');
    expect(err.hint).toMatch(/dracut|initramfs-tools/);
  });

  it.each([
    ['an error in the guest', ['error\tupdate-grub failed: boom'], 'TARGET_PREP_FAILED', /update-grub failed: boom/],
    ['no boot entries', [], 'TARGET_CMDLINE_NOT_APPLIED', /no kernel entries/],
    ['an entry without the console', ['entry\tlinux /vmlinuz ro console=tty0 console=ttyS0,115200n8', 'entry\tlinux /vmlinuz ro quiet'], 'TARGET_CMDLINE_NOT_APPLIED', /1 boot entries lack/],
    ['a BLS entry without the console', ['bls-entry\toptions root=UUID=x ro'], 'TARGET_CMDLINE_NOT_APPLIED', /1 boot entries lack/],
  ])('fails on %s', (_name, lines, code, message) => {
    const err = thrown(() => checkReport(genericCloudPrep(), report(lines), () => {}));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('warns (does not fail) when the guest has no cloud-init or no sshd', () => {
    const { emit, events } = collect();
    const r = report(['cloud-init\tno', 'sshd\tno', 'warning\tno /etc/default/grub in the guest', 'entry\tlinux /v console=tty0 console=ttyS0,115200n8']);
    checkReport({ ...serialOnly, requiredModules: [] }, r, emit);
    expect(events.map((e) => (e.type === 'message' ? e.code : ''))).toEqual(['TARGET_PREP_WARNING', 'TARGET_NO_CLOUD_INIT', 'TARGET_NO_SSHD']);
  });

  it('lists the entries that lack an argument', () => {
    const r: PrepReport = report(['entry\tlinux /v a b', 'entry\tlinux /v a', 'bls-entry\toptions a b']);
    expect(entriesMissingArgs({ ...genericCloudPrep(), cmdlineAdd: ['a', 'b'] }, r)).toEqual(['linux /v a']);
  });
});
