/**
 * An instance's libvirt domain, generated from the boot descriptor chosen for this host and what
 * was decided at deploy time (name, UUID, MAC addresses, network, disks): what virt-image left to
 * the deployment and kiln's deployments add — the serial console as a pty for `virsh console`
 * (logged to console.log), a reboot that restarts the guest, graphics on host loopback only.
 * The boot descriptor's firmware is the domain's: a UEFI one (`<loader firmware="efi">`) starts
 * under OVMF through libvirt's firmware auto-selection (no Secure Boot: a descriptor cannot ask
 * for it), with the instance's own variable store beside its disks; BIOS is SeaBIOS.
 */
import { join } from 'node:path';
import type { DomainSpec, FirmwareSpec, GuestArch, NetworkSpec } from '../../hypervisor/index.js';
import type { BootDescriptor, Devices } from './descriptor.js';
import type { InstanceRecord } from './instance-record.js';

export interface InstanceDomainInput {
  record: InstanceRecord;
  boot: BootDescriptor;
  devices: Devices;
  instanceDir: string;
  versionDir: string;
  /** The NoCloud seed (appended as a read-only disk). */
  seed?: string;
  /** --no-graphics turns the descriptor's graphics off. */
  graphics: boolean;
}

/** The UEFI variable store of an instance booting UEFI, in its directory (libvirt fills it from OVMF's template at first start). */
export const NVRAM_FILE = 'nvram.fd';

function firmware(boot: BootDescriptor, instanceDir: string): FirmwareSpec | undefined {
  return boot.os.kind === 'loader' && boot.os.firmware === 'efi' ? { kind: 'uefi', secureBoot: false, nvram: join(instanceDir, NVRAM_FILE) } : undefined;
}

function nextFree(prefix: string, used: Set<string>): string {
  for (let i = 0; i < 26; i++) {
    const t = `${prefix}${String.fromCharCode(97 + i)}`;
    if (!used.has(t)) return t;
  }
  throw new Error('no free device name');
}

export function instanceDomainSpec(i: InstanceDomainInput): DomainSpec {
  const { record, boot } = i;
  const disks: DomainSpec['disks'] = record.disks.map((d) => ({
    path: join(d.shared ? i.versionDir : i.instanceDir, d.file),
    format: d.format === 'iso' ? 'raw' : (d.format as 'qcow2' | 'raw'),
    target: d.target,
    bus: d.bus,
    device: d.device,
    discard: d.device === 'disk' ? 'unmap' : undefined,
  }));
  if (i.seed) disks.push({ path: i.seed, format: 'raw', readonly: true, target: nextFree('vd', new Set(record.disks.map((d) => d.target))) });
  const model = (n: number) => i.devices.interfaces[n]?.model ?? 'virtio';
  const nics: NetworkSpec[] = record.macs.map((mac, n) =>
    record.network.kind === 'network' ? { network: record.network.name, mac, model: model(n) } : { mac, model: model(n), ...(n === 0 ? { hostForwards: [{ hostPort: record.network.sshPort, guestPort: 22 }] } : {}) },
  );
  const os = boot.os;
  return {
    name: record.domain.name,
    uuid: record.domain.uuid,
    type: record.domain.type,
    arch: boot.arch as GuestArch,
    memoryMiB: record.memoryMiB,
    vcpus: record.vcpus,
    boot: os.kind === 'kernel' ? { kernel: join(i.versionDir, os.kernel), initrd: os.initrd && join(i.versionDir, os.initrd), cmdline: os.cmdline } : { device: os.kind === 'loader' ? os.dev : 'hd' },
    disks,
    network: nics[0],
    extraNetworks: nics.slice(1),
    features: { acpi: boot.features.acpi !== 'off', apic: boot.features.apic !== 'off', pae: boot.arch === 'i686' && boot.features.pae === 'on' },
    lifecycle: { poweroff: 'destroy', reboot: 'restart', crash: 'destroy' },
    consoleLog: join(i.instanceDir, 'console.log'),
    firmware: firmware(boot, i.instanceDir),
    firmwareOnSerial: true,
    graphics: i.graphics && i.devices.graphics ? (i.devices.graphics === 'spice' ? 'spice' : 'vnc') : undefined,
    rng: true,
  };
}
