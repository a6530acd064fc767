/**
 * The appliance descriptor (virt-image style, validated against appliance.rng): name and label,
 * one boot entry per platform and firmware (hvm; arch; pae for i686; boot from the first disk;
 * the loader's firmware, bios or efi, for each firmware the system disk boots), devices
 * (vcpus, memory, network interface, graphics, serial console) and the disks marked system, data
 * or scratch with their format, size and checksum.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { KilnError } from '../../core/errors.js';
import type { Arch } from '../../core/arch.js';

export type DiskUse = 'system' | 'data' | 'scratch';

export interface DescriptorDisk {
  /** File name, relative to the descriptor. */
  file: string;
  use: DiskUse;
  format: 'raw' | 'qcow2';
  sizeMiB: number;
  sha256?: string;
}

export interface DescriptorInput {
  /** The appliance (what stays the same across its versions). */
  name: string;
  version?: string;
  release?: string;
  label: string;
  description?: string;
  arch: Arch;
  vcpus: number;
  memoryMiB: number;
  interfaces: number;
  graphics: boolean;
  disks: DescriptorDisk[];
  /**
   * The firmwares the system disk boots (read from it at capture), one boot entry each; absent
   * or empty: one entry without a firmware, which virt-image readers take as BIOS.
   */
  firmware?: ('bios' | 'uefi')[];
}

const USE_ORDER: Record<DiskUse, number> = { system: 0, data: 1, scratch: 2 };

function guest(arch: Arch): Record<string, unknown> {
  // A 32-bit guest's kernels (Debian 686-pae, Fedora i686) need PAE; the host must offer it.
  return arch === 'i686' ? { arch, features: { pae: '', acpi: '', apic: '' } } : { arch, features: { acpi: '', apic: '' } };
}

export function renderDescriptor(d: DescriptorInput): string {
  if (!d.disks.some((x) => x.use === 'system')) {
    throw new KilnError('INTERNAL', 'an appliance needs a system disk', { fault: 'kiln' });
  }
  const disks = [...d.disks].sort((a, b) => USE_ORDER[a.use] - USE_ORDER[b.use]);
  const image = {
    name: { '#text': d.name, ...(d.version ? { '@_version': d.version } : {}), ...(d.release ? { '@_release': d.release } : {}) },
    label: d.label,
    ...(d.description ? { description: d.description } : {}),
    domain: {
      boot: (d.firmware?.length ? d.firmware : [undefined]).map((fw) => ({
        '@_type': 'hvm',
        guest: guest(d.arch),
        // libvirt's names: <os firmware='efi'>; SeaBIOS is 'bios'.
        os: { loader: { '@_dev': 'hd', ...(fw ? { '@_firmware': fw === 'uefi' ? 'efi' : 'bios' } : {}) } },
        drive: disks.map((x, i) => ({ '@_disk': x.file, '@_target': `vd${String.fromCharCode(97 + i)}` })),
      })),
      devices: {
        vcpu: d.vcpus,
        memory: d.memoryMiB * 1024,
        interface: Array.from({ length: d.interfaces }, () => ({ '@_model': 'virtio' })),
        ...(d.graphics ? { graphics: { '@_type': 'vnc' } } : {}),
        console: { '@_type': 'serial' },
      },
    },
    storage: {
      disk: disks.map((x) => ({
        '@_file': x.file,
        '@_use': x.use,
        '@_format': x.format,
        '@_size': x.sizeMiB,
        ...(x.sha256 ? { checksum: { '@_type': 'sha256', '#text': x.sha256 } } : {}),
      })),
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ image }) as string}`;
}
