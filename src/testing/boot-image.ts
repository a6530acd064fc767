/**
 * The disk a boot test starts: the output under test is never written. Compressed outputs
 * (raw.xz, raw.tar.xz) are unpacked to a sparse raw in the test's work directory first; then a
 * qcow2 overlay over the image (optionally larger, to see the guest grow its root file system)
 * takes every write. What kiln recorded about the output (targets.json beside it: arch, target,
 * the image's cloud user) is read when it is there.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { KilnError, usageError } from '../core/errors.js';
import { run } from '../core/run.js';
import { imageInfo, type ImageFormat } from '../image/qemu-img.js';
import { unpackRawTarXz, unpackRawXz } from '../image/unpack.js';
import type { Arch } from '../core/arch.js';
import type { TargetOutput } from '../targets/types.js';

export type ImageKind = 'qcow2' | 'raw' | 'raw.xz' | 'raw.tar.xz' | 'appliance';

/** What kind of output a file is, from its name (and, for plain images, qemu-img). */
export function imageKind(path: string): ImageKind | undefined {
  const name = basename(path);
  if (/\.appliance\.tar(\.xz)?$/.test(name)) return 'appliance';
  if (name.endsWith('.raw.tar.xz')) return 'raw.tar.xz';
  if (name.endsWith('.raw.xz')) return 'raw.xz';
  if (name.endsWith('.qcow2')) return 'qcow2';
  if (name.endsWith('.raw') || name.endsWith('.img')) return 'raw';
  return undefined;
}

/** The record kiln wrote for this output (targets.json in its directory), if any. */
export async function outputRecord(path: string): Promise<TargetOutput | undefined> {
  try {
    const record = JSON.parse(await readFile(join(dirname(path), 'targets.json'), 'utf8')) as { outputs?: TargetOutput[] };
    return record.outputs?.find((o) => o.file === basename(path));
  } catch {
    return undefined;
  }
}

export interface BootDisk {
  /** The overlay the guest boots (qcow2). */
  overlay: string;
  /** Guest-visible size of the image under test, before any growth. */
  imageSize: number;
  /** Guest-visible size the guest sees. */
  diskSize: number;
}

/** The plain image (qcow2 or raw) to put an overlay on, unpacking compressed kinds into `workDir`. */
async function plainImage(path: string, kind: Exclude<ImageKind, 'appliance'>, workDir: string, signal?: AbortSignal): Promise<{ path: string; format: ImageFormat }> {
  if (kind === 'raw.xz' || kind === 'raw.tar.xz') {
    const raw = join(workDir, 'unpacked.raw');
    await (kind === 'raw.xz' ? unpackRawXz(path, raw, signal) : unpackRawTarXz(path, raw, signal));
    return { path: raw, format: 'raw' };
  }
  const info = await imageInfo(path, { signal });
  if (info.format !== 'qcow2' && info.format !== 'raw') {
    throw new KilnError('TEST_IMAGE_FORMAT', `${path} is a ${info.format} image; kiln boots qcow2 and raw images`, { fault: 'user' });
  }
  return { path, format: info.format };
}

export async function prepareBootDisk(o: { image: string; kind: Exclude<ImageKind, 'appliance'>; workDir: string; growBytes?: number; signal?: AbortSignal }): Promise<BootDisk> {
  const image = await plainImage(resolve(o.image), o.kind, o.workDir, o.signal);
  const { virtualSize } = await imageInfo(image.path, { format: image.format, signal: o.signal });
  const overlay = join(o.workDir, 'overlay.qcow2');
  const diskSize = virtualSize + (o.growBytes ?? 0);
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', image.format, '-b', image.path, overlay, String(diskSize)], { timeoutMs: 60_000, signal: o.signal });
  return { overlay, imageSize: virtualSize, diskSize };
}

/** Checks the path names an image kiln can boot (exists, known kind); a usage error otherwise. */
export async function checkImagePath(path: string): Promise<ImageKind> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw usageError(`${path}: no such image file`, 'Give an image kiln made: .qcow2, .raw, .raw.xz, .raw.tar.xz or .appliance.tar.');
  const kind = imageKind(path);
  if (!kind) throw usageError(`${path}: not an image kiln can boot (by its name)`, 'kiln boots .qcow2, .raw, .raw.xz, .raw.tar.xz and .appliance.tar files.');
  return kind;
}

export function archOf(record: TargetOutput | undefined, given: Arch | undefined): Arch {
  return given ?? record?.base.arch ?? 'x86_64';
}
