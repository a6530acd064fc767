/**
 * Leaving the process at once (the third Ctrl-C, or a run whose handles did not close): through
 * the hypervisor layer's hardExit, because process.exit can block forever on a worker thread held
 * inside libvirt. Guests of the connection are destroyed by libvirt when the process is gone.
 */
import { hardExit } from '../../hypervisor/index.js';

export function forceExit(code: number): never {
  return hardExit(code);
}
