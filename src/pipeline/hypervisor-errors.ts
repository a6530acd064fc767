/** Turns errors from the hypervisor layer (which knows nothing of kiln) into KilnErrors. */
import { KilnError, isKilnError } from '../core/errors.js';

export function wrapHypervisorError(error: unknown, what: string): KilnError {
  if (isKilnError(error)) return error;
  const e = error as { message?: string; libvirtCode?: number; code?: string | number };
  const libvirt = typeof e.libvirtCode === 'number' ? ` (libvirt error ${e.libvirtCode})` : '';
  return new KilnError('HYPERVISOR_FAILED', `${what}: ${e.message ?? String(error)}${libvirt}`, {
    cause: error,
    fault: 'external',
    hint: "Run 'kiln doctor' to check QEMU and libvirt; --connect picks another libvirt URI.",
  });
}
