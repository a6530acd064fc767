/**
 * Letting QEMU into a boot test's work directory (0710 with QEMU's group when libvirt runs QEMU as
 * its own user, else 0700), and naming the directory it cannot pass, before any guest starts: to
 * the overlay in the work directory and, for an image booted in place (qcow2, raw), to the image
 * the overlay is backed by. Done once, when first asked: a caller asks before a long unpack, so an
 * unreachable report directory fails first, and otherwise only after the disk was read, so a disk
 * that cannot boot the way asked is refused without asking the hypervisor anything.
 */
import { join, resolve } from 'node:path';
import type { Hypervisor } from '../../hypervisor/index.js';
import { checkGuestCanReach, openToGuest } from '../core/guest-access.js';

export function guestAccess(o: { work: string; image: string; bootsInPlace: boolean; hypervisor: () => Promise<Hypervisor> }): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () =>
    (done ??= (async () => {
      const guest = await (await o.hypervisor()).guestIdentity().catch(() => undefined);
      await openToGuest(o.work, guest);
      await checkGuestCanReach(join(o.work, 'overlay.qcow2'), guest, "the boot test's work directory");
      if (o.bootsInPlace) await checkGuestCanReach(resolve(o.image), guest, o.image);
    })());
}
