/**
 * Letting QEMU reach a build's files without giving them to anyone else. When libvirt runs QEMU
 * as its own user (qemu:///system with the default qemu.conf), its DAC driver hands that user the
 * domain's disk, kernel and initrd while it runs, but every directory on the way must let it
 * through. kiln's work directories are 0700 when QEMU runs as kiln's own user, and otherwise 0710
 * with QEMU's group (a group only that user is in): QEMU may pass, nobody else may even look.
 * Directories kiln does not own are only checked, so the failure names the directory to fix.
 */
import { chmod, chown, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KilnError } from './errors.js';

/** Whom libvirt runs QEMU as (the hypervisor reads it from libvirt's DAC security model). */
export interface GuestIdentity {
  uid: number;
  gid: number;
}

/** Whether QEMU (as `who`) is another user than this process. */
export function guestIsOther(who: GuestIdentity | undefined): who is GuestIdentity {
  return who !== undefined && who.uid !== process.getuid?.();
}

/** Makes a directory kiln created passable for QEMU (0710, QEMU's group), or private (0700). */
export async function openToGuest(dir: string, who: GuestIdentity | undefined): Promise<void> {
  if (!guestIsOther(who)) return chmod(dir, 0o700);
  await chown(dir, process.getuid!(), who.gid);
  await chmod(dir, 0o710);
}

function passable(mode: number, uid: number, gid: number, who: GuestIdentity): boolean {
  if (who.uid === 0) return true;
  if (uid === who.uid) return (mode & 0o100) !== 0;
  if (gid === who.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

/**
 * Throws GUEST_CANNOT_REACH naming the first directory above `path` QEMU cannot pass. Directories
 * not made yet (a new store's tmp/) are skipped: kiln makes them passable when it creates them.
 */
export async function checkGuestCanReach(path: string, who: GuestIdentity | undefined, what: string): Promise<void> {
  if (!guestIsOther(who)) return;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (info && !passable(info.mode, info.uid, info.gid, who)) {
      throw new KilnError('GUEST_CANNOT_REACH', `libvirt runs QEMU as uid ${who.uid}, which cannot pass ${dir} (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}) to reach ${what}`, {
        fault: 'user',
        hint: `Keep what a guest boots where QEMU can reach it (root's default store is /var/lib/kiln/store; --store, --out and --report pick other places), or let it through: chmod o+x ${dir}.`,
      });
    }
    if (dirname(dir) === dir) return;
  }
}
