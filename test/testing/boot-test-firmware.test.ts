/**
 * bootTest refuses, before any guest starts, to boot an image a way its disk cannot: it reads the
 * disk (an overlay over the image) and fails its boot check with what the disk holds. No guest
 * starts: the hypervisor answers only whom QEMU runs as (asked before an appliance is unpacked, so
 * an unreachable report directory fails first) and fails the test if asked for anything else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CleanupStack } from '../../src/core/cleanup.js';
import { collect } from '../../src/core/events.js';
import { run } from '../../src/core/run.js';
import { bootTest } from '../../src/testing/boot-test.js';
import type { Hypervisor } from '../../hypervisor/index.js';
import { makeBundle } from '../appliance/fixtures/bundles.js';

let dir: string;
let bios: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-boot-fw-'));
  // An msdos disk with a partition and no boot loader at all.
  bios = join(dir, 'plain.raw');
  await run('truncate', ['-s', '64M', bios], { timeoutMs: 10_000 });
  await run('sfdisk', ['-q', bios], { timeoutMs: 30_000, input: 'label: dos\nstart=2048, type=83\n' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noGuest = new Proxy({ guestIdentity: async () => undefined } as unknown as Hypervisor, {
  get: (target, key) => (key === 'guestIdentity' || key === 'then' ? Reflect.get(target, key) : () => Promise.reject(new Error(`no guest may start (asked for ${String(key)})`))),
});

const test = (firmware: 'bios' | 'uefi' | 'uefi-secure' | undefined, name: string, image = bios) =>
  bootTest({
    image,
    firmware,
    user: 'fedora',
    timeoutS: 60,
    memoryMiB: 512,
    vcpus: 1,
    reportDir: join(dir, name),
    keepOnFailure: false,
    hypervisor: async () => noGuest,
    domainType: async () => 'qemu',
    emit: collect().emit,
    signal: new AbortController().signal,
    cleanup: new CleanupStack(),
  });

describe('bootTest on a disk that cannot boot the way asked', () => {
  it.each([
    ['uefi', 'boot (uefi)', 'the image does not boot under UEFI (what it boots under: no firmware (no boot loader found)): partition table: msdos (1 partitions); BIOS: the MBR holds no boot code; UEFI: no EFI system partition'],
    ['uefi-secure', 'boot (uefi-secure)', 'the image does not boot under UEFI with Secure Boot'],
    [undefined, 'boot (bios)', 'the image does not boot under BIOS'],
  ] as const)('--firmware %s: %s fails at once, saying what the disk holds', async (firmware, check, detail) => {
    const report = await test(firmware, `r-${firmware ?? 'default'}`);
    expect(report.passed).toBe(false);
    expect(report.firmware).toBe(firmware ?? 'bios');
    expect(report.checks).toEqual([{ name: check, status: 'fail', detail: expect.stringContaining(detail) }]);
    expect(report.failure?.code).toBe('BOOT_NO_BOOTLOADER');
  });
});

describe('bootTest on an appliance', () => {
  it('boots it the way its boot descriptor says: a UEFI one under UEFI (here refused at once: its disk holds no boot loader)', async () => {
    const b = await makeBundle(join(dir, 'appliance'), { edit: (x) => x.replace('<loader dev="hd"/>', '<loader dev="hd" firmware="efi"/>') });
    const report = await test(undefined, 'r-appliance-efi', b.tar);
    expect(report.firmware).toBe('uefi');
    expect(report.checks).toEqual([{ name: 'boot (uefi)', status: 'fail', detail: expect.stringContaining('the image does not boot under UEFI') }]);
  });
});
