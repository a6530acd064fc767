/**
 * inspectBootFirmware on disks made here with the same tools an installer uses (sfdisk, mkfs.fat,
 * mtools): what the partition table, the MBR's boot code and the EFI system partition say. The
 * MBR's GRUB code is a stand-in (GRUB's marker and its core-image sector pointer); the integration
 * tests read real installs, and a loader with a real Secure Boot signature.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { describeFirmware, inspectBootFirmware } from '../../src/image/boot-firmware.js';

let dir: string;
const MiB = 1024 * 1024;
const SIZE = 64 * MiB;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-boot-facts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface DiskOptions {
  label: 'gpt' | 'dos';
  /** sfdisk lines after the label. */
  partitions: string[];
  /** Put GRUB's marker and a core-image pointer to this sector in the MBR (and data there unless `emptyCore`). */
  grubCoreSector?: number;
  emptyCore?: boolean;
  /** A FAT file system at this MiB offset (size MiB) holding these files. */
  fat?: { atMiB: number; sizeMiB: number; files: string[] };
}

async function writeAt(file: string, offset: number, data: Buffer): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.write(data, 0, data.length, offset);
  } finally {
    await fh.close();
  }
}

async function makeDisk(name: string, d: DiskOptions): Promise<string> {
  const disk = join(dir, `${name}.raw`);
  await run('truncate', ['-s', String(SIZE), disk], { timeoutMs: 10_000 });
  await run('sfdisk', ['-q', disk], { timeoutMs: 30_000, input: [`label: ${d.label}`, ...d.partitions, ''].join('\n') });
  if (d.grubCoreSector !== undefined) {
    const mbr = Buffer.alloc(440);
    mbr.write('\xeb\x63\x90', 0, 'latin1');
    mbr.writeBigUInt64LE(BigInt(d.grubCoreSector), 0x5c);
    mbr.write('GRUB \0Geom\0Hard Disk\0Read\0 Error\r\n\0', 0x180, 'latin1');
    await writeAt(disk, 0, mbr);
    if (!d.emptyCore) await writeAt(disk, d.grubCoreSector * 512, Buffer.from('core.img stand-in'));
  }
  if (d.fat) {
    const fat = join(dir, `${name}-fat.img`);
    await run('mkfs.fat', ['-C', fat, String(d.fat.sizeMiB * 1024)], { timeoutMs: 30_000 });
    for (const f of d.fat.files) {
      const parts = f.split('/');
      for (let i = 1; i < parts.length; i++) await run('mmd', ['-D', 's', '-i', fat, `::/${parts.slice(0, i).join('/')}`], { timeoutMs: 10_000 }).catch(() => undefined);
      await run('mcopy', ['-i', fat, '-', `::/${f}`], { timeoutMs: 10_000, input: `not a real ${f}` });
    }
    await writeAt(disk, d.fat.atMiB * MiB, await readFile(fat));
  }
  return disk;
}

const GPT_HYBRID = [
  'start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649',
  'size=20MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  'type=0FC63DAF-8483-4772-8E79-3D69D8477DE4',
];

const inspect = (image: string, format: 'raw' | 'qcow2' = 'raw', arch: 'x86_64' | 'i686' = 'x86_64') =>
  inspectBootFirmware({ image, format, virtualSize: SIZE, arch, tmpDir: dir });

describe('inspectBootFirmware', () => {
  it('a hybrid GPT disk (GRUB in the MBR and the BIOS boot partition, BOOTX64.EFI on the ESP) boots BIOS and UEFI', async () => {
    const disk = await makeDisk('hybrid', { label: 'gpt', partitions: GPT_HYBRID, grubCoreSector: 2048, fat: { atMiB: 2, sizeMiB: 20, files: ['EFI/BOOT/BOOTX64.EFI', 'EFI/debian/grubx64.efi'] } });
    const facts = await inspect(disk);
    expect(facts).toMatchObject({ table: 'gpt', firmware: ['bios', 'uefi'], esp: { partition: 2, loader: 'EFI/BOOT/BOOTX64.EFI' } });
    expect(facts.evidence).toEqual([
      'partition table: GPT (3 partitions)',
      "BIOS: GRUB's boot code in the MBR and its core image at sector 2048",
      'UEFI: EFI/BOOT/BOOTX64.EFI on partition 2 (EFI system partition), unsigned',
    ]);
    expect(describeFirmware(facts)).toBe('BIOS and UEFI');
  });

  it('reads a qcow2 the same way (only the first MiB and the ESP)', async () => {
    const raw = await makeDisk('hybrid-q', { label: 'gpt', partitions: GPT_HYBRID, grubCoreSector: 2048, fat: { atMiB: 2, sizeMiB: 20, files: ['EFI/BOOT/BOOTX64.EFI'] } });
    const qcow2 = join(dir, 'hybrid.qcow2');
    await run('qemu-img', ['convert', '-O', 'qcow2', raw, qcow2], { timeoutMs: 60_000 });
    expect((await inspect(qcow2, 'qcow2')).firmware).toEqual(['bios', 'uefi']);
  });

  it('GRUB’s code in the MBR whose core image is missing does not boot BIOS', async () => {
    const disk = await makeDisk('no-core', { label: 'gpt', partitions: GPT_HYBRID, grubCoreSector: 2048, emptyCore: true, fat: { atMiB: 2, sizeMiB: 20, files: ['EFI/BOOT/BOOTX64.EFI'] } });
    const facts = await inspect(disk);
    expect(facts.firmware).toEqual(['uefi']);
    expect(facts.evidence[1]).toBe("BIOS: GRUB's boot code in the MBR, but sector 2048, where its core image should be, is empty");
    expect(describeFirmware(facts)).toBe('UEFI only');
  });

  it('an ESP without the removable-media loader boots nothing under UEFI (a fresh NVRAM names no loader)', async () => {
    const disk = await makeDisk('vendor-only', { label: 'gpt', partitions: GPT_HYBRID, fat: { atMiB: 2, sizeMiB: 20, files: ['EFI/fedora/shimx64.efi'] } });
    const facts = await inspect(disk);
    expect(facts.firmware).toEqual([]);
    expect(facts.evidence).toContain('BIOS: the MBR holds no boot code');
    expect(facts.evidence).toContain('UEFI: partition 2 (EFI system partition) has no EFI/BOOT/BOOTX64.EFI (it has EFI/fedora/shimx64.efi, which only NVRAM boot entries would start)');
    expect(describeFirmware(facts)).toBe('no firmware (no boot loader found)');
  });

  it('an msdos disk with GRUB after the MBR and no ESP boots BIOS only', async () => {
    const disk = await makeDisk('bios', { label: 'dos', partitions: ['start=2048, type=83, bootable'], grubCoreSector: 1 });
    const facts = await inspect(disk);
    expect(facts).toMatchObject({ table: 'dos', firmware: ['bios'] });
    expect(facts.evidence).toEqual(['partition table: msdos (1 partitions)', "BIOS: GRUB's boot code in the MBR and its core image at sector 1", 'UEFI: no EFI system partition']);
    expect(describeFirmware(facts)).toBe('BIOS only');
  });

  it('an ESP typed partition without a FAT file system, and an i686 disk’s ESP, give no UEFI', async () => {
    const empty = await makeDisk('no-fat', { label: 'gpt', partitions: GPT_HYBRID });
    expect((await inspect(empty)).evidence).toContain('UEFI: partition 2 is typed EFI system partition but holds no FAT file system');
    const i686 = await makeDisk('i686', { label: 'gpt', partitions: GPT_HYBRID, grubCoreSector: 2048, fat: { atMiB: 2, sizeMiB: 20, files: ['EFI/BOOT/BOOTIA32.EFI'] } });
    const facts = await inspect(i686, 'raw', 'i686');
    expect(facts.firmware).toEqual(['bios']);
    expect(facts.evidence).toContain('UEFI: an EFI system partition (partition 2), but kiln boots i686 guests with BIOS only');
  });

  it('an image it cannot read is BOOT_FACTS_FAILED (callers record nothing and go on); an abort stays an abort', async () => {
    await expect(inspect(join(dir, 'missing.qcow2'), 'qcow2')).rejects.toMatchObject({ code: 'BOOT_FACTS_FAILED' });
    const blank = join(dir, 'blank-abort.raw');
    await run('truncate', ['-s', String(SIZE), blank], { timeoutMs: 10_000 });
    const aborted = AbortSignal.abort();
    await expect(inspectBootFirmware({ image: blank, format: 'raw', virtualSize: SIZE, arch: 'x86_64', tmpDir: dir, signal: aborted })).rejects.not.toMatchObject({ code: 'BOOT_FACTS_FAILED' });
  });

  it('a disk with no partition table and no boot code', async () => {
    const blank = join(dir, 'blank.raw');
    await run('truncate', ['-s', String(SIZE), blank], { timeoutMs: 10_000 });
    expect(await inspect(blank)).toEqual({ table: 'none', firmware: [], evidence: ['partition table: none', 'BIOS: no boot signature in the MBR', 'UEFI: no EFI system partition'], esp: undefined });
  });
});
