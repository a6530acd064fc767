/**
 * The firmware a guest asks for (a boot test's, the install stage's, a UEFI boot descriptor of an
 * appliance's), checked before it starts: UEFI needs OVMF's descriptors on the host (libvirt's
 * auto-selection reads them), Secure Boot its build with keys enrolled; i686 guests boot with
 * BIOS only. A missing firmware fails in milliseconds, naming the package.
 */
import { findUefiFirmware, type FirmwareSpec } from '../../hypervisor/index.js';
import { KilnError, usageError } from '../core/errors.js';
import type { Firmware } from '../image/boot-firmware.js';
import type { Arch } from '../core/arch.js';

/** `dirs`: where QEMU's firmware descriptors are looked for (default: where libvirt looks). */
export async function requireFirmware(firmware: Firmware, arch: Arch, what: string, dirs?: string[]): Promise<void> {
  if (firmware === 'bios') return;
  if (arch !== 'x86_64') {
    throw usageError(`${what}: ${arch} guests boot with BIOS only, not ${firmware}`, 'kiln starts 32-bit guests with SeaBIOS; use --firmware bios.');
  }
  const found = await findUefiFirmware(dirs);
  const have = firmware === 'uefi' ? found.uefi : found.secureBoot;
  if (have) return;
  throw new KilnError('FIRMWARE_MISSING', `${what} needs ${firmware === 'uefi' ? 'OVMF (UEFI firmware for x86_64)' : "OVMF's Secure Boot build with Microsoft's keys enrolled"}, and this host has no firmware descriptor for it`);
}

/** The domain's firmware for a guest: its own NVRAM file for UEFI. */
export function firmwareSpec(firmware: Firmware, nvram: string): FirmwareSpec {
  return firmware === 'bios' ? { kind: 'bios' } : { kind: 'uefi', secureBoot: firmware === 'uefi-secure', nvram };
}

/** The firmware a domain spec starts its guest under (no firmware in the spec: BIOS). */
export function firmwareOf(spec: FirmwareSpec | undefined): Firmware {
  return spec?.kind === 'uefi' ? (spec.secureBoot ? 'uefi-secure' : 'uefi') : 'bios';
}
