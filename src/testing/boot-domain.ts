/**
 * The domain a boot test starts: the overlay as the first disk (the firmware — SeaBIOS, or OVMF
 * with or without Secure Boot — boots it: firmware → boot loader → kernel, no kernel given), the NoCloud seed as a read-only second disk when the
 * test uses one, user-mode networking with SSH forwarded from host loopback and, for the EC2 way,
 * a guest network of 169.254.169.0/24 whose 169.254.169.254:80 goes to kiln's metadata service
 * and SMBIOS fields that make cloud-init's ds-identify see AWS (system UUID and serial equal,
 * starting with "ec2").
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DomainSpec, FirmwareSpec } from '../../hypervisor/index.js';
import type { Arch } from '../core/arch.js';

export const EC2_SUBNET = '169.254.169.0/24';
export const IMDS_ADDRESS = '169.254.169.254';
/** QEMU's user-mode DHCP hands out the subnet's .15 first. */
export const EC2_GUEST_ADDRESS = '169.254.169.15';

export function randomMac(): string {
  // 52:54:00 is QEMU's locally administered prefix.
  return `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

/** A UUID whose text starts with "ec2", as EC2's instances' SMBIOS UUIDs do. */
export function ec2Uuid(): string {
  return `ec2${randomUUID().slice(3)}`;
}

export interface BootDomainInput {
  name: string;
  type: 'kvm' | 'qemu';
  arch: Arch;
  memoryMiB: number;
  vcpus: number;
  overlay: string;
  seed?: string;
  /** Extra disks after the system disk (appliances' data and scratch disks). */
  extraDisks?: { path: string; format: 'qcow2' | 'raw' }[];
  sshPort: number;
  mac: string;
  console: string;
  ec2?: { uuid: string; imdsPort: number; instanceType: string };
  /** Default: BIOS. */
  firmware?: FirmwareSpec;
}

export function bootDomain(i: BootDomainInput): DomainSpec {
  const disks: DomainSpec['disks'] = [{ path: i.overlay, format: 'qcow2', cache: 'unsafe' }];
  for (const d of i.extraDisks ?? []) disks.push({ path: d.path, format: d.format, cache: 'unsafe' });
  if (i.seed) disks.push({ path: i.seed, format: 'raw', readonly: true });
  return {
    name: i.name,
    uuid: i.ec2?.uuid,
    type: i.type,
    arch: i.arch,
    memoryMiB: i.memoryMiB,
    vcpus: i.vcpus,
    firmware: i.firmware,
    boot: { device: 'hd' },
    disks,
    network: {
      model: 'virtio',
      mac: i.mac,
      hostForwards: [{ hostPort: i.sshPort, guestPort: 22 }],
      ...(i.ec2 ? { subnet: EC2_SUBNET, guestForwards: [{ address: IMDS_ADDRESS, port: 80, hostPort: i.ec2.imdsPort }] } : {}),
    },
    sysinfo: i.ec2 ? { manufacturer: 'Amazon EC2', product: i.ec2.instanceType, serial: i.ec2.uuid } : undefined,
    serialLog: i.console,
    firmwareOnSerial: true,
    rng: true,
  };
}

export function testName(): string {
  return `kiln-test-${randomBytes(4).toString('hex')}`;
}
