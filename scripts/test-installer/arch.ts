/**
 * Per-architecture data for the Anaconda test double: which Debian packages make its kernel,
 * initrd tools and payload. Data, not code paths: adding an architecture is one more entry.
 */
import { usageError } from '../../src/core/errors.js';

export type TreeArch = 'x86_64' | 'i686';

export interface ArchInfo {
  /** kiln's name for the architecture. */
  arch: TreeArch;
  /** The name in .treeinfo: Fedora's trees say i386 for i686. */
  treeArch: string;
  /** Debian's dpkg architecture. */
  debian: 'amd64' | 'i386';
  /** Debian's metapackage for the kernel of both the test double and the payload. */
  kernelPackage: string;
  /** QEMU system emulator that runs this architecture's guests. */
  qemu: string;
  /** The dynamic loader inside the target's tree (used to list a binary's libraries). */
  loader: string;
  /**
   * UEFI, where the architecture has it: GRUB's EFI target, the removable-media path firmware
   * boots a disk from when its NVRAM names no loader, and the payload's packages for it (GRUB's
   * EFI modules, and for Secure Boot Debian's signed shim and signed GRUB; Debian's kernel is
   * signed already). Absent: BIOS only.
   */
  uefi?: { grubTarget: string; removablePath: string; packages: string[] };
}

export const ARCHES: Record<TreeArch, ArchInfo> = {
  x86_64: {
    arch: 'x86_64', treeArch: 'x86_64', debian: 'amd64', kernelPackage: 'linux-image-amd64', qemu: 'qemu-system-x86_64', loader: '/lib64/ld-linux-x86-64.so.2',
    uefi: { grubTarget: 'x86_64-efi', removablePath: 'EFI/BOOT/BOOTX64.EFI', packages: ['grub-efi-amd64-bin', 'grub-efi-amd64-signed', 'shim-signed'] },
  },
  // 686-pae, as 32-bit cloud images have: Xen's PV drivers (xen-blkfront, xen-netfront, which an
  // EC2 image needs) exist only for the PAE kernel. BIOS only: no 32-bit cloud boots UEFI.
  i686: { arch: 'i686', treeArch: 'i386', debian: 'i386', kernelPackage: 'linux-image-686-pae', qemu: 'qemu-system-i386', loader: '/lib/ld-linux.so.2' },
};

export function archInfo(name: string): ArchInfo {
  if (name in ARCHES) return ARCHES[name as TreeArch];
  throw usageError(`unknown architecture '${name}'`, `Use --arch ${Object.keys(ARCHES).join(' or ')}.`);
}

/**
 * Debian packages unpacked into the test double's initrd (with the shared libraries their
 * binaries need, found by the target's own loader): busybox for the shell and applets, mke2fs,
 * sfdisk, blkid (busybox 1.35 has none), mkfs.fat for EFI system partitions, and zstd for the
 * payload (see payload.ts).
 */
export const INITRD_PACKAGES = ['busybox-static', 'e2fsprogs', 'fdisk', 'util-linux', 'dosfstools', 'zstd', 'libc6'];

/**
 * Files taken from those packages (paths as the packages ship them). A static binary is marked:
 * glibc's loader crashes when asked to list the libraries of one.
 */
export const INITRD_BINARIES: readonly { path: string; static?: true }[] = [
  { path: '/bin/busybox', static: true },
  { path: '/sbin/mke2fs' },
  { path: '/sbin/sfdisk' },
  { path: '/sbin/blkid' },
  { path: '/sbin/mkfs.fat' },
  { path: '/usr/bin/zstd' },
];
export const INITRD_DATA_FILES = ['/etc/mke2fs.conf'];

/**
 * Kernel modules the test double loads, in this order, each after its dependencies from
 * modules.dep. crc32c is loaded by name because ext4 asks for it through the crypto API at
 * mount time (request_module), which an initrd without modprobe aliases cannot answer; so are
 * the code page and character set a vfat mount (an EFI system partition) asks for.
 */
export const INITRD_MODULES = ['virtio_pci', 'virtio_blk', 'virtio_net', 'virtio_console', 'crc32c_generic', 'ext4', 'vfat', 'nls_cp437', 'nls_ascii', 'nls_utf8'];

/**
 * The payload: `debootstrap --variant=minbase --include=…`. python3-cffi-backend because
 * debootstrap does not resolve virtual packages and python3-cryptography (cloud-init) needs it;
 * dbus because systemd-resolved depends on the virtual dbus-system-bus. Like a distribution's
 * cloud image: sudo (cloud-init gives the default user passwordless sudo), cloud-guest-utils
 * (growpart: cloud-init grows the root partition to the disk it boots on) and locales (cloud-init's
 * locale module runs update-locale).
 */
export const PAYLOAD_SUITE = 'bookworm';
export const PAYLOAD_PACKAGES = (a: ArchInfo): string[] => [
  a.kernelPackage,
  'grub-pc',
  'grub-pc-bin',
  ...(a.uefi?.packages ?? []),
  'systemd',
  'systemd-sysv',
  'systemd-resolved',
  'dbus',
  'udev',
  'cloud-init',
  'openssh-server',
  'python3-cffi-backend',
  'sudo',
  'cloud-guest-utils',
  'locales',
];
