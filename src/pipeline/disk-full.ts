/**
 * A guest paused by an I/O error. QEMU stops a guest whose disk write fails (its default error
 * policy stops on ENOSPC), and libvirt reports it as the lifecycle event suspended/ioerror: the
 * guest would then sit paused until a stall watchdog fired minutes later. kiln asks libvirt which
 * disk failed and why (virDomainGetDiskErrors) and fails at once: DISK_FULL naming the file and
 * the free space left where it lives, or DISK_IO_ERROR for any other error.
 */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { diskTarget, type Domain, type DomainSpec } from '../../hypervisor/index.js';
import { KilnError } from '../core/errors.js';
import { formatBytes } from '../core/units.js';

export async function diskErrorOf(domain: Domain, spec: DomainSpec): Promise<KilnError> {
  const errors = await domain.diskErrors().catch(() => []);
  const failed = errors.find((e) => e.error === 'no-space') ?? errors.find((e) => e.error !== 'none');
  const index = failed ? spec.disks.findIndex((d, i) => diskTarget(d, i) === failed.disk || d.path === failed.disk) : -1;
  const path = index >= 0 ? spec.disks[index]!.path : (failed?.disk ?? spec.disks[0]?.path ?? 'the guest disk');
  if (!failed || failed.error === 'no-space') {
    const fs = await statfs(dirname(path)).catch(() => undefined);
    const free = fs ? `; ${formatBytes(fs.bavail * fs.bsize)} free there now` : '';
    return new KilnError('DISK_FULL', `the file system holding ${path} is full: QEMU paused the guest when a write failed (ENOSPC)${free}`, {
      fault: 'external',
      hint: 'Free space on that file system (or put the store elsewhere with --store) and build again.',
    });
  }
  return new KilnError('DISK_IO_ERROR', `a write to ${path} failed on the host: QEMU paused the guest (I/O error)`, {
    fault: 'external',
    hint: "Check the host's file system and disk (dmesg), then build again.",
  });
}
