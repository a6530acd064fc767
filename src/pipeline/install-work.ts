/**
 * A build's work directory in the store's tmp/: claimed for this process (an owner file, so a
 * later run can tell it is dead and reclaim it), private but passable for QEMU (guest-access.ts),
 * holding what the guest opens — a copy of the kernel (the media cache or a local tree may lie
 * where QEMU cannot go), the initrd with the kickstart (0600: it holds the secrets) and the disk.
 * The disk size is checked against the store's free space first.
 */
import { copyFile, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../core/errors.js';
import { formatBytes } from '../core/units.js';
import { claimWorkDir } from '../core/work-dirs.js';
import { checkGuestCanReach, openToGuest, type GuestIdentity } from '../core/guest-access.js';

/** Refuses a disk larger than the free space of the store's file system (the install may fill it). */
export async function checkDiskSize(dir: string, sizeBytes: number): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (sizeBytes > free) {
    throw new KilnError('DISK_SIZE_TOO_LARGE', `a disk of ${formatBytes(sizeBytes)} does not fit: the store's file system has ${formatBytes(free)} free (${dir})`, {
      usage: true,
      fault: 'user',
      hint: 'Give a smaller --disk-size (or <size> in the TDL), free space, or put the store on a larger file system (--store).',
    });
  }
}

export interface WorkFiles {
  dir: string;
  kernel: string;
  initrd: string;
  disk: string;
}

export async function prepareWorkDir(o: { dir: string; buildId: string; guest: GuestIdentity | undefined; kernel: string; initrd: Uint8Array }): Promise<WorkFiles> {
  await claimWorkDir(o.dir, `build ${o.buildId}`);
  await openToGuest(o.dir, o.guest);
  await checkGuestCanReach(join(o.dir, 'initrd.img'), o.guest, "the build's work directory");
  const files = { dir: o.dir, kernel: join(o.dir, 'vmlinuz'), initrd: join(o.dir, 'initrd.img'), disk: join(o.dir, 'disk.qcow2') };
  await copyFile(o.kernel, files.kernel);
  await writeFile(files.initrd, o.initrd, { mode: 0o600 });
  return files;
}
