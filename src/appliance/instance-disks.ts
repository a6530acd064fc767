/**
 * An instance's disks, made from the verified copy of its appliance version: a system disk is a
 * qcow2 overlay over the version's (read-only) file, so every instance shares one copy; a data
 * disk is the instance's own copy of the shipped one (cp keeps it sparse, and shares blocks where
 * the filesystem can) or a new empty qcow2 of the descriptor's size; a scratch disk is always a
 * new empty qcow2 (made again on update); an ISO image is attached read-only from the version.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../core/run.js';
import { imageInfo, createImage } from '../image/qemu-img.js';
import { diskFullFrom } from '../image/io-errors.js';
import type { StorageDisk } from './descriptor.js';
import type { InstanceDisk } from './instance-record.js';

const MiB = 1024 * 1024;

export interface PlannedDisk {
  disk: StorageDisk;
  target: string;
  /** Bytes of the file in the bundle; undefined: made empty. */
  shippedBytes?: number;
}

export function busOf(target: string): InstanceDisk['bus'] {
  return target.startsWith('hd') ? 'ide' : target.startsWith('sd') ? 'sata' : 'virtio';
}

/** The guest name kiln gives a drive: Xen's xvdX becomes vdX (kiln's guests are hvm, on virtio). */
function guestTarget(target: string): string {
  return target.startsWith('xvd') ? target.slice(1) : target;
}

async function qemuImg(args: string[], path: string, signal?: AbortSignal): Promise<void> {
  await run('qemu-img', args, { timeoutMs: 600_000, signal }).catch((error: unknown) => {
    throw diskFullFrom(error, path) ?? error;
  });
}

/** Makes one disk of the instance (under `instanceDir/disks`); returns how the record names it. */
export async function makeDisk(p: PlannedDisk, instanceDir: string, versionDir: string, signal?: AbortSignal): Promise<InstanceDisk> {
  const target = guestTarget(p.target);
  const base = { target, bus: busOf(target), use: p.disk.use, source: p.disk.id };
  if (p.disk.format === 'iso') return { ...base, file: p.disk.file, shared: true, device: 'cdrom', format: 'iso', bus: base.bus === 'virtio' ? 'sata' : base.bus };
  await mkdir(join(instanceDir, 'disks'), { recursive: true });
  const shipped = p.shippedBytes !== undefined ? join(versionDir, p.disk.file) : undefined;
  if (p.disk.use === 'system') {
    const file = `disks/${target}-system.qcow2`;
    await qemuImg(['create', '-q', '-f', 'qcow2', '-F', p.disk.format, '-b', shipped!, join(instanceDir, file)], join(instanceDir, file), signal);
    return { ...base, file, device: 'disk', format: 'qcow2' };
  }
  if (p.disk.use === 'data' && shipped) {
    const format = p.disk.format === 'raw' ? 'raw' : 'qcow2';
    const file = `disks/${target}-data.${format}`;
    // Another format (vmdk, vdi, qcow) becomes the instance's own qcow2.
    const args = p.disk.format === 'raw' || p.disk.format === 'qcow2' ? undefined : ['convert', '-q', '-f', p.disk.format, '-O', 'qcow2', shipped, join(instanceDir, file)];
    if (args) await qemuImg(args, join(instanceDir, file), signal);
    else {
      await run('cp', ['--sparse=always', '--reflink=auto', '--no-preserve=mode', shipped, join(instanceDir, file)], { timeoutMs: 6 * 3600_000, signal }).catch((error: unknown) => {
        throw diskFullFrom(error, join(instanceDir, file)) ?? error;
      });
    }
    return { ...base, file, device: 'disk', format };
  }
  const file = `disks/${target}-${p.disk.use}.qcow2`;
  const size = p.disk.sizeMiB !== undefined ? p.disk.sizeMiB * MiB : (await imageInfo(shipped!, { signal })).virtualSize;
  await createImage(join(instanceDir, file), 'qcow2', size, signal);
  return { ...base, file, device: 'disk', format: 'qcow2' };
}

/** A scratch disk made anew (empty), as an update does. */
export async function renewScratch(d: InstanceDisk, instanceDir: string, signal?: AbortSignal): Promise<void> {
  const path = join(instanceDir, d.file);
  const { virtualSize } = await imageInfo(path, { signal });
  await rm(path, { force: true });
  await createImage(path, 'qcow2', virtualSize, signal);
}
