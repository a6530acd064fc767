/**
 * Which firmwares a disk boots under, read from the disk itself rather than assumed from how it
 * was made: the partition table (sfdisk), the BIOS boot code (the MBR's code and, for GRUB, the
 * sector its boot.img loads next: a BIOS boot partition on GPT, the gap after the MBR on msdos),
 * and the EFI system partition's contents (mtools) with the removable-media loader firmware falls
 * back to when its NVRAM names none — what a cloud instance, or any fresh VM, boots — and whether
 * that loader carries an Authenticode signature for Secure Boot (sbverify). Only the first MiB
 * and the ESP are read (qemu-img dd), so this takes about a second for any image size.
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isKilnError, KilnError } from '../core/errors.js';
import { run, runUnchecked } from '../core/run.js';
import type { HostTool } from '../core/tools.js';
import type { ImageFormat } from './qemu-img.js';

/** How a disk boots: SeaBIOS/legacy BIOS, UEFI, UEFI with Secure Boot enforcing. */
export type Firmware = 'bios' | 'uefi' | 'uefi-secure';
export const FIRMWARES: readonly Firmware[] = ['bios', 'uefi', 'uefi-secure'];

/** The tools that read how a disk boots (checked before an install or a boot test starts). */
export const BOOT_FACT_TOOLS: HostTool[] = ['sfdisk', 'mdir', 'mcopy', 'sbverify'];

export interface BootFacts {
  /** The partition table: GPT, msdos (MBR), or none. */
  table: 'gpt' | 'dos' | 'none';
  /** The firmwares the disk boots under, in FIRMWARES order. */
  firmware: Firmware[];
  /** What was found, one line each. */
  evidence: string[];
  /** The EFI system partition (1-based number), its removable-media loader and that loader's signer. */
  esp?: { partition: number; loader?: string; signer?: string };
}

const SECTOR = 512;
const HEAD_BYTES = 1024 * 1024;
const ESP_TYPES = new Set(['c12a7328-f81f-11d2-ba4b-00a0c93ec93b', 'ef']);
const BIOS_BOOT_TYPE = '21686148-6449-6e6f-744e-656564454649';
/** The removable-media path per architecture (UEFI spec 3.5.1.1); i686 guests boot BIOS only. */
const REMOVABLE_LOADER: Partial<Record<'x86_64' | 'i686', string>> = { x86_64: 'EFI/BOOT/BOOTX64.EFI' };

interface SfdiskPartition {
  start: number;
  size: number;
  type: string;
}

/** The partitions sfdisk reads from `raw` (a sparse file holding the disk's first MiB). */
async function partitionTable(raw: string, signal?: AbortSignal): Promise<{ label: 'gpt' | 'dos' | 'none'; partitions: SfdiskPartition[] }> {
  const r = await runUnchecked('sfdisk', ['--json', raw], { timeoutMs: 30_000, signal });
  if (r.exitCode !== 0 || r.stdout.trim() === '') return { label: 'none', partitions: [] };
  const table = (JSON.parse(r.stdout) as { partitiontable: { label: string; partitions?: SfdiskPartition[] } }).partitiontable;
  return { label: table.label === 'gpt' ? 'gpt' : 'dos', partitions: table.partitions ?? [] };
}

/**
 * Copies `count` bytes at `offset` of the image to the start of a raw file (qemu-img dd, in the
 * largest block that fits). qemu-img dd's count= is where the copy ends, counted from the start of
 * the input, not how much to copy after skip= (QEMU 7.2 refuses a skip past the count); the file
 * may hold more than `count` bytes, never less.
 */
async function extract(image: string, format: ImageFormat, offset: number, count: number, out: string, signal?: AbortSignal): Promise<void> {
  let bs = HEAD_BYTES;
  while (bs > SECTOR && (offset % bs !== 0 || count % bs !== 0)) bs /= 2;
  await run('qemu-img', ['dd', '-U', '-f', format, '-O', 'raw', `bs=${bs}`, `skip=${offset / bs}`, `count=${(offset + count) / bs}`, `if=${image}`, `of=${out}`], {
    timeoutMs: 300_000,
    signal,
  });
}

const isZero = (b: Uint8Array) => b.every((x) => x === 0);

/** BIOS: boot code in the MBR, and where GRUB's boot.img points (its kernel sector), something there. */
async function biosFacts(head: Buffer, read: (sector: number) => Promise<Buffer>): Promise<{ boots: boolean; evidence: string }> {
  if (head.readUInt16LE(510) !== 0xaa55) return { boots: false, evidence: 'BIOS: no boot signature in the MBR' };
  const code = head.subarray(0, 440);
  if (isZero(code)) return { boots: false, evidence: 'BIOS: the MBR holds no boot code' };
  if (!code.includes(Buffer.from('GRUB \0'))) return { boots: true, evidence: 'BIOS: boot code in the MBR (not GRUB’s; not followed further)' };
  // GRUB's boot.img keeps the first sector of core.img at GRUB_BOOT_MACHINE_KERNEL_SECTOR (0x5c).
  const sector = Number(head.readBigUInt64LE(0x5c));
  const core = await read(sector);
  if (isZero(core)) return { boots: false, evidence: `BIOS: GRUB's boot code in the MBR, but sector ${sector}, where its core image should be, is empty` };
  return { boots: true, evidence: `BIOS: GRUB's boot code in the MBR and its core image at sector ${sector}` };
}

/** The signer of an EFI binary (sbverify --list), or undefined when it carries no signature. */
async function signer(file: string, signal?: AbortSignal): Promise<string | undefined> {
  const r = await runUnchecked('sbverify', ['--list', file], { timeoutMs: 30_000, signal });
  if (r.exitCode !== 0 || !/^signature 1/m.test(r.stdout)) return undefined;
  const issuer = /image signature issuers:\s*\n\s*- (.*)/.exec(r.stdout)?.[1] ?? 'an unknown issuer';
  return /CN=([^/]+)/.exec(issuer)?.[1] ?? issuer;
}

async function uefiFacts(
  esp: { number: number; start: number; size: number },
  arch: 'x86_64' | 'i686',
  o: { image: string; format: ImageFormat; dir: string; signal?: AbortSignal },
): Promise<{ loader?: string; signer?: string; evidence: string }> {
  const wanted = REMOVABLE_LOADER[arch];
  if (!wanted) return { evidence: `UEFI: an EFI system partition (partition ${esp.number}), but kiln boots ${arch} guests with BIOS only` };
  const img = join(o.dir, 'esp.img');
  await extract(o.image, o.format, esp.start * SECTOR, esp.size * SECTOR, img, o.signal);
  const listing = await runUnchecked('mdir', ['-i', img, '-/', '-b', '::/'], { timeoutMs: 60_000, signal: o.signal });
  if (listing.exitCode !== 0) return { evidence: `UEFI: partition ${esp.number} is typed EFI system partition but holds no FAT file system` };
  const files = listing.stdout.split('\n').map((l) => l.trim().replace(/^::\//, '')).filter((l) => l && !l.endsWith('/'));
  const loader = files.find((f) => f.toUpperCase() === wanted);
  if (!loader) {
    const efi = files.filter((f) => /\.efi$/i.test(f));
    return { evidence: `UEFI: partition ${esp.number} (EFI system partition) has no ${wanted}${efi.length ? ` (it has ${efi.join(', ')}, which only NVRAM boot entries would start)` : ''}` };
  }
  const copy = join(o.dir, 'loader.efi');
  await run('mcopy', ['-n', '-i', img, `::/${loader}`, copy], { timeoutMs: 60_000, signal: o.signal });
  const by = await signer(copy, o.signal);
  return { loader, signer: by, evidence: `UEFI: ${loader} on partition ${esp.number} (EFI system partition)${by ? `, signed by ${by}` : ', unsigned'}` };
}

/** Reads the disk (qcow2 or raw) and says which firmwares boot it. `tmpDir`: scratch space (about the ESP's size). */
export async function inspectBootFirmware(o: { image: string; format: ImageFormat; virtualSize: number; arch: 'x86_64' | 'i686'; tmpDir: string; signal?: AbortSignal }): Promise<BootFacts> {
  const dir = await mkdtemp(join(o.tmpDir, 'boot-facts-'));
  try {
    const headFile = join(dir, 'head.raw');
    await extract(o.image, o.format, 0, Math.min(HEAD_BYTES, o.virtualSize - (o.virtualSize % SECTOR)), headFile, o.signal);
    const head = (await readFile(headFile)).subarray(0, HEAD_BYTES);
    // sfdisk reads GPT only on a device as large as the disk (the header names its last sector):
    // a sparse file of the disk's size holding its first MiB.
    const sparse = join(dir, 'disk.raw');
    const fh = await open(sparse, 'w');
    try {
      await fh.write(head, 0, head.length, 0);
      await fh.truncate(o.virtualSize);
    } finally {
      await fh.close();
    }
    const table = await partitionTable(sparse, o.signal);
    const read = async (sector: number): Promise<Buffer> => {
      if ((sector + 1) * SECTOR <= head.length) return head.subarray(sector * SECTOR, (sector + 1) * SECTOR);
      if ((sector + 1) * SECTOR > o.virtualSize) return Buffer.alloc(SECTOR);
      const one = join(dir, `sector-${sector}.raw`);
      await extract(o.image, o.format, sector * SECTOR, SECTOR, one, o.signal);
      return (await readFile(one)).subarray(0, SECTOR);
    };
    const evidence = [`partition table: ${table.label === 'none' ? 'none' : table.label === 'gpt' ? 'GPT' : 'msdos'}${table.partitions.length ? ` (${table.partitions.length} partitions)` : ''}`];
    const bios = await biosFacts(head, read);
    evidence.push(bios.evidence);
    if (table.label === 'gpt' && bios.boots && !table.partitions.some((p) => p.type.toLowerCase() === BIOS_BOOT_TYPE)) {
      evidence.push('BIOS: (no BIOS boot partition on this GPT disk)');
    }
    const espIndex = table.partitions.findIndex((p) => ESP_TYPES.has(p.type.toLowerCase()));
    let esp: BootFacts['esp'];
    if (espIndex < 0) evidence.push('UEFI: no EFI system partition');
    else {
      const p = table.partitions[espIndex]!;
      const u = await uefiFacts({ number: espIndex + 1, start: p.start, size: p.size }, o.arch, { image: o.image, format: o.format, dir, signal: o.signal });
      esp = { partition: espIndex + 1, loader: u.loader, signer: u.signer };
      evidence.push(u.evidence);
    }
    const firmware: Firmware[] = [];
    if (bios.boots) firmware.push('bios');
    if (esp?.loader) firmware.push('uefi');
    if (esp?.signer) firmware.push('uefi-secure');
    return { table: table.label, firmware, evidence, esp };
  } catch (error) {
    if (o.signal?.aborted || (isKilnError(error) && error.code === 'INTERRUPTED')) throw error;
    throw new KilnError('BOOT_FACTS_FAILED', `cannot read how ${o.image} boots`, { cause: error });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One line for messages: "BIOS and UEFI (Secure Boot: signed by …)", "BIOS only", "no firmware". */
export function describeFirmware(facts: Pick<BootFacts, 'firmware' | 'esp'>): string {
  const f = facts.firmware;
  if (f.length === 0) return 'no firmware (no boot loader found)';
  const parts = [f.includes('bios') ? 'BIOS' : undefined, f.includes('uefi') ? `UEFI${f.includes('uefi-secure') ? ` (Secure Boot: ${facts.esp?.signer ? `signed by ${facts.esp.signer}` : 'signed'})` : ''}` : undefined].filter(Boolean);
  return parts.length === 1 ? `${parts[0]} only` : parts.join(' and ');
}
