/**
 * Which QEMU binary runs which guest architecture (Debian's qemu-system-x86 installs both).
 * i686 guests use qemu-system-i386: a 32-bit machine, as the installed system will meet it.
 */
import type { GuestArch } from './spec.js';

const EMULATORS: Record<GuestArch, string> = {
  x86_64: '/usr/bin/qemu-system-x86_64',
  i686: '/usr/bin/qemu-system-i386',
};

export function emulatorFor(arch: GuestArch): string {
  return EMULATORS[arch];
}
