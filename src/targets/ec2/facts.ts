/**
 * EC2's per-architecture requirements, as data. 64-bit instances boot on Xen (xen-blkfront) or on
 * Nitro (NVMe disks, ENA network); EC2's 32-bit instance types are all Xen-based, and the Linux
 * ENA driver is 64-bit only, so an i386 image needs the Xen front-ends instead.
 */
import type { BootFacts } from '../../image/boot-firmware.js';
import type { Arch } from '../../core/arch.js';
import type { PrepReport } from '../prep/report.js';
import { CMDLINE_NOISE, SERIAL_CONSOLE, type PrepSpec } from '../prep/spec.js';
import type { Ec2Facts } from '../types.js';

interface Ec2Arch {
  architecture: Ec2Facts['architecture'];
  requiredModules: string[];
  /** Kernel arguments beyond the serial console. */
  cmdline: string[];
  ena: boolean;
}

export const EC2_ARCHES: Record<Arch, Ec2Arch> = {
  x86_64: {
    architecture: 'x86_64',
    requiredModules: ['xen-blkfront', 'nvme', 'ena'],
    // AWS's advice for NVMe EBS volumes: never time out I/O (a slow volume is not a dead one).
    cmdline: ['nvme_core.io_timeout=4294967295'],
    ena: true,
  },
  i686: {
    architecture: 'i386',
    requiredModules: ['xen-blkfront', 'xen-netfront'],
    cmdline: [],
    ena: false,
  },
};

/** The root device name the AMI is registered with. */
export const EC2_ROOT_DEVICE = '/dev/xvda';

export function ec2Prep(arch: Arch): PrepSpec {
  const a = EC2_ARCHES[arch];
  return {
    label: 'ec2',
    datasources: ['Ec2'],
    cloudInitExtra: ['ssh_pwauth: false'],
    cmdlineAdd: [...SERIAL_CONSOLE, ...a.cmdline],
    cmdlineRemove: [...CMDLINE_NOISE],
    grubTimeout: 1,
    grubSerial: true,
    lockRoot: true,
    sshPasswordOff: true,
    requiredModules: [...a.requiredModules],
  };
}

/**
 * What the upload stage registers the AMI with. The boot mode comes from which firmwares the base
 * image's disk boots (read from the disk at capture: hybrid → uefi-preferred, UEFI only → uefi,
 * BIOS only → legacy-bios); for base images captured before kiln read that, from the boot loader
 * files prep found in the guest. i386 AMIs are legacy-bios: EC2 boots no 32-bit UEFI.
 */
export function ec2Facts(arch: Arch, report: PrepReport | undefined, boot?: BootFacts): Ec2Facts {
  const a = EC2_ARCHES[arch];
  const disk = boot && boot.firmware.length > 0 ? boot.firmware : undefined;
  const efi = arch === 'x86_64' && (disk ? disk.includes('uefi') : Boolean(report?.efi));
  const bios = disk ? disk.includes('bios') : report ? report.bios || !report.efi : true;
  return {
    architecture: a.architecture,
    virtualizationType: 'hvm',
    bootMode: efi && bios ? 'uefi-preferred' : efi ? 'uefi' : 'legacy-bios',
    enaSupport: a.ena && Boolean(report?.modules.includes('ena') || report?.builtin.includes('ena')),
    rootDeviceName: EC2_ROOT_DEVICE,
  };
}
