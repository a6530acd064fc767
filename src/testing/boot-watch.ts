/**
 * How a boot test watches its guest (the GuestMachine's boot mode): the console lines that mean
 * progress (a kernel, then userspace), those that mean failure (no boot loader, a panic,
 * cloud-init's unit failing), how long the firmware may take to start a kernel, and, when the
 * login never works, what the console says about why (no network, or nothing listening).
 */
import type { FailurePattern } from '../installers/failure-patterns.js';
import type { Milestone, MonitorOptions } from '../pipeline/guest-machine.js';

export const BOOT_FAILURE_PATTERNS: readonly FailurePattern[] = [
  { id: 'kernel-panic', test: 'Kernel panic - not syncing', summary: 'the guest kernel panicked' },
  { id: 'no-bootloader', test: /No bootable device|Boot failed: not a bootable disk|Boot failed: could not read the boot disk|grub rescue>|error: no such device/, summary: 'the image did not boot: no boot loader found it or its kernel' },
  // OVMF (edk2's boot manager): with no loader on the disk, Debian's plain build falls back to its
  // built-in UEFI shell and its Secure Boot build (which refuses that shell) finds nothing; a
  // loader Secure Boot refuses is Access Denied (LoadImage) or Security Violation (StartImage).
  { id: 'no-bootloader', test: /BdsDxe: starting Boot\d+ "EFI Internal Shell"|BdsDxe: No bootable option or device was found/, summary: 'the image did not boot under UEFI: the firmware found no boot loader (EFI/BOOT/BOOTX64.EFI) on the disk' },
  { id: 'no-bootloader', test: /BdsDxe: failed to (load|start) Boot\d+ "(?!EFI Internal Shell)[^"]*" .*: (Access Denied|Security Violation)/, summary: 'the firmware refused the boot loader: it is not signed by a key Secure Boot trusts' },
  { id: 'cloud-init', test: /\[FAILED\] Failed to start .*[Cc]loud-init/, summary: "a cloud-init unit failed (see cloud-init's logs in the report)" },
];

export const BOOT_MILESTONES: Milestone[] = [
  { to: 'kernel', stream: 'console', test: /Linux version \d|^\[\s*\d+\.\d+\] / },
  // Userspace is up: a login prompt, or systemd's multi-user target (a boot with no getty on the serial port).
  { to: 'running', stream: 'console', test: /login:\s*$|Reached target .*Multi-User/ },
];

export function bootMonitor(o: { timeoutS: number; kernelDeadlineS: number }): MonitorOptions {
  return {
    mode: 'boot',
    timeoutS: o.timeoutS,
    patterns: BOOT_FAILURE_PATTERNS,
    milestones: BOOT_MILESTONES,
    tailLines: 60,
    deadlines: {
      booting: {
        seconds: o.kernelDeadlineS,
        reason: 'no-bootloader',
        message: `no kernel started within ${o.kernelDeadlineS} s: the image did not boot (no boot loader?), or neither its boot loader nor its kernel writes to the serial console`,
      },
    },
  };
}

/**
 * From cloud-init's network table on the console (`ci-info: | eth0 | True | 10.0.2.15 | …`):
 * false when it shows no interface but lo with an IPv4 address, undefined when there is no table.
 */
export function consoleShowsNetwork(lines: readonly string[]): boolean | undefined {
  const rows = lines.map((l) => /ci-info: \|\s*([\w.-]+)\s*\|\s*(True|False)\s*\|\s*([^|]*?)\s*\|/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  if (rows.length === 0) return undefined;
  return rows.some((m) => m[1] !== 'lo' && /^\d+\.\d+\.\d+\.\d+$/.test(m[3]!));
}
