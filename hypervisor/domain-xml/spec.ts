/**
 * DomainSpec: the typed description of a kiln guest that buildDomainXml turns into libvirt XML,
 * and its validation (every problem found at once, with the field named).
 */
import { isAbsolute } from 'node:path';
import { HypervisorError } from '../errors.js';

export type GuestArch = 'x86_64' | 'i686';
/** libvirt domain type: 'kvm' only once the probe said KVM works, else 'qemu' (TCG). */
export type DomainType = 'kvm' | 'qemu';

export interface KernelBoot {
  kernel: string;
  initrd?: string;
  cmdline?: string;
}

export interface DiskBoot {
  device: 'hd' | 'cdrom';
}

export interface DiskSpec {
  path: string;
  format: 'qcow2' | 'raw';
  /** Guest device name; default vda, vdb… in order. */
  target?: string;
  /** Default virtio; ide and sata for guests that name their disks hdX or sdX. */
  bus?: 'virtio' | 'ide' | 'sata';
  /** Default disk; a cdrom is read-only (an ISO image). */
  device?: 'disk' | 'cdrom';
  /** Pass guest TRIM through so freed blocks leave the image sparse. */
  discard?: 'unmap';
  readonly?: boolean;
  /** QEMU cache mode. 'unsafe' ignores guest flushes: fastest for a throwaway install disk. */
  cache?: 'none' | 'writeback' | 'unsafe';
}

/** host 127.0.0.1:hostPort → the guest's guestPort (e.g. SSH to a guest on user-mode networking). */
export interface HostForward {
  hostPort: number;
  guestPort: number;
}

/**
 * The guest's TCP connections to address:port go to a server on host loopback, hostPort. QEMU
 * opens ONE connection to that server when the guest starts and carries every guest connection
 * over it, one after another (a guestfwd chardev): the server must answer requests in order and
 * never close it. The address must lie inside the user-mode network's subnet.
 */
export interface GuestForward {
  address: string;
  port: number;
  hostPort: number;
}

export interface NetworkSpec {
  /** A named libvirt network (`<interface type='network'>`) instead of QEMU's user-mode network. */
  network?: string;
  model?: 'virtio' | 'e1000';
  /** The guest's MAC (default: libvirt's choice). */
  mac?: string;
  /** The user-mode network's IPv4 subnet, e.g. 169.254.169.0/24 (default QEMU's 10.0.2.0/24). */
  subnet?: string;
  hostForwards?: HostForward[];
  guestForwards?: GuestForward[];
}

/**
 * The firmware that starts the guest. `bios` is SeaBIOS (QEMU's default). `uefi` is OVMF, found
 * by libvirt's firmware auto-selection from the descriptors the host's firmware packages install
 * (never a hard-coded path): without Secure Boot on the i440FX machine, with it (keys enrolled,
 * enforcing) on Q35 with SMM, as OVMF's Secure Boot build requires. `nvram` is the guest's own
 * copy of the UEFI variable store, which libvirt fills from the firmware's template when the file
 * does not exist yet: one per guest, removed by its owner. x86_64 guests only.
 */
export type FirmwareSpec = { kind: 'bios' } | { kind: 'uefi'; secureBoot: boolean; nvram: string };

/** SMBIOS system information (type 1) the guest reads from DMI. */
export interface SmbiosSystem {
  manufacturer?: string;
  product?: string;
  version?: string;
  serial?: string;
  family?: string;
}

/** What libvirt does when the guest powers off, reboots or crashes. */
export type LifecycleAction = 'destroy' | 'restart';

export interface DomainSpec {
  name: string;
  type: DomainType;
  arch: GuestArch;
  memoryMiB: number;
  vcpus: number;
  /** QEMU binary; default emulatorFor(arch). */
  emulator?: string;
  boot: KernelBoot | DiskBoot;
  disks: DiskSpec[];
  /** User-mode networking (no bridge, no dnsmasq); the guest reaches host loopback as 10.0.2.2 (the subnet's .2). */
  network?: NetworkSpec;
  /** More network interfaces (user-mode or a named network; no forwards). */
  extraNetworks?: NetworkSpec[];
  /** Platform features (default: ACPI only). */
  features?: { acpi?: boolean; apic?: boolean; pae?: boolean };
  /** Default: destroy on all three, so every way a build or test guest ends stops the domain. */
  lifecycle?: { poweroff: LifecycleAction; reboot: LifecycleAction; crash: LifecycleAction };
  /** SMBIOS system fields; the system UUID is the domain's uuid. */
  sysinfo?: SmbiosSystem;
  /** Default { kind: 'bios' }. */
  firmware?: FirmwareSpec;
  /**
   * SeaBIOS writes its messages — "No bootable device." — to the serial console too (OVMF always
   * writes to the serial console when the guest has no display).
   */
  firmwareOnSerial?: boolean;
  /** The serial console (ttyS0) goes to this file. */
  serialLog?: string;
  /** The serial console (ttyS0) as a pty (`virsh console`), everything it shows also logged to this file. */
  consoleLog?: string;
  /** A graphical console listening on host loopback only. */
  graphics?: 'vnc' | 'spice';
  /** virtio-serial ports written to files, e.g. org.fedoraproject.anaconda.log.0. */
  channels?: { name: string; path: string }[];
  /** A virtio RNG fed from the host's /dev/urandom (installers block on entropy without it). */
  rng?: boolean;
  uuid?: string;
}

export function isKernelBoot(boot: DomainSpec['boot']): boot is KernelBoot {
  return 'kernel' in boot;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TARGET = /^(vd|sd|hd)[a-z]{1,2}$/;
const CHANNEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Throws INVALID_SPEC listing every problem. */
export function validateSpec(spec: DomainSpec): void {
  const problems: string[] = [];
  const absolute = (field: string, path: string | undefined) => {
    if (path !== undefined && !isAbsolute(path)) problems.push(`${field} must be an absolute path (got ${JSON.stringify(path)})`);
  };
  if (!NAME.test(spec.name)) problems.push(`name ${JSON.stringify(spec.name)} must be 1-100 of letters, digits and _.+- (starting with a letter or digit)`);
  if (spec.type !== 'kvm' && spec.type !== 'qemu') problems.push(`type must be kvm or qemu (got ${JSON.stringify(spec.type)})`);
  if (spec.arch !== 'x86_64' && spec.arch !== 'i686') problems.push(`arch must be x86_64 or i686 (got ${JSON.stringify(spec.arch)})`);
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 16) problems.push(`memoryMiB must be an integer ≥ 16 (got ${spec.memoryMiB})`);
  if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1) problems.push(`vcpus must be an integer ≥ 1 (got ${spec.vcpus})`);
  absolute('emulator', spec.emulator);
  if (isKernelBoot(spec.boot)) {
    absolute('boot.kernel', spec.boot.kernel);
    absolute('boot.initrd', spec.boot.initrd);
  } else if (spec.boot.device !== 'hd' && spec.boot.device !== 'cdrom') {
    problems.push('boot must be { kernel, initrd?, cmdline? } or { device: "hd" | "cdrom" }');
  }
  if (!isKernelBoot(spec.boot) && spec.disks.length === 0) problems.push('boot from hd needs a disk');
  const targets = new Set<string>();
  spec.disks.forEach((disk, i) => {
    absolute(`disks[${i}].path`, disk.path);
    if (disk.format !== 'qcow2' && disk.format !== 'raw') problems.push(`disks[${i}].format must be qcow2 or raw`);
    const target = diskTarget(disk, i);
    if (!TARGET.test(target)) problems.push(`disks[${i}].target ${JSON.stringify(target)} is not a device name like vda`);
    if (targets.has(target)) problems.push(`disks[${i}].target ${target} is used twice`);
    targets.add(target);
    if (disk.bus !== undefined && !['virtio', 'ide', 'sata'].includes(disk.bus)) problems.push(`disks[${i}].bus must be virtio, ide or sata`);
    if (disk.device === 'cdrom' && (disk.bus ?? 'virtio') === 'virtio') problems.push(`disks[${i}] is a cdrom: give it the ide or sata bus`);
  });
  if (!isKernelBoot(spec.boot) && spec.boot.device === 'cdrom' && !spec.disks.some((d) => d.device === 'cdrom')) problems.push('boot from cdrom needs a cdrom');
  absolute('serialLog', spec.serialLog);
  absolute('consoleLog', spec.consoleLog);
  if (spec.serialLog && spec.consoleLog) problems.push('serialLog and consoleLog both claim the serial console');
  if (spec.graphics !== undefined && spec.graphics !== 'vnc' && spec.graphics !== 'spice') problems.push('graphics must be vnc or spice');
  for (const [key, action] of Object.entries(spec.lifecycle ?? {})) {
    if (action !== 'destroy' && action !== 'restart') problems.push(`lifecycle.${key} must be destroy or restart`);
  }
  spec.channels?.forEach((channel, i) => {
    if (!CHANNEL.test(channel.name)) problems.push(`channels[${i}].name ${JSON.stringify(channel.name)} is not a port name like org.fedoraproject.anaconda.log.0`);
    absolute(`channels[${i}].path`, channel.path);
  });
  if (spec.uuid !== undefined && !UUID.test(spec.uuid)) problems.push(`uuid ${JSON.stringify(spec.uuid)} is not a UUID`);
  const fw = spec.firmware;
  if (fw && fw.kind !== 'bios') {
    if (fw.kind !== 'uefi') problems.push(`firmware.kind must be bios or uefi (got ${JSON.stringify((fw as { kind: unknown }).kind)})`);
    else {
      if (spec.arch !== 'x86_64') problems.push(`firmware uefi is for x86_64 guests; ${spec.arch} guests boot with BIOS`);
      absolute('firmware.nvram', fw.nvram);
    }
  }
  if (spec.network) problems.push(...networkProblems(spec.network));
  for (const [i, n] of (spec.extraNetworks ?? []).entries()) {
    if (n.subnet || n.hostForwards?.length || n.guestForwards?.length) problems.push(`extraNetworks[${i}] cannot have a subnet or forwards (only the first network can)`);
    problems.push(...networkProblems(n).map((p) => `extraNetworks[${i}]: ${p}`));
  }
  if (problems.length > 0) {
    throw new HypervisorError('INVALID_SPEC', `invalid domain spec for ${JSON.stringify(spec.name)}: ${problems.join('; ')}`);
  }
}

/** The guest device name of the i-th disk: its own target, or vda, vdb… */
export function diskTarget(disk: DiskSpec, index: number): string {
  return disk.target ?? `vd${String.fromCharCode('a'.charCodeAt(0) + index)}`;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** [network address, prefix] of an IPv4 CIDR, or undefined. */
export function parseSubnet(cidr: string): [number, number] | undefined {
  const [addr, bits] = cidr.split('/');
  const a = ipv4(addr ?? '');
  const prefix = Number(bits);
  if (a === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 24) return undefined;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return [(a & mask) >>> 0, prefix];
}

function networkProblems(n: NetworkSpec): string[] {
  const problems: string[] = [];
  const port = (p: number) => Number.isInteger(p) && p > 0 && p < 65536;
  if (n.mac !== undefined && !MAC.test(n.mac)) problems.push(`network.mac ${JSON.stringify(n.mac)} is not a MAC address`);
  if (n.network !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(n.network)) problems.push(`network.network ${JSON.stringify(n.network)} is not a libvirt network name`);
    if (n.subnet || n.hostForwards?.length || n.guestForwards?.length) problems.push('a named libvirt network has no subnet or forwards of kiln\'s: those are user-mode networking\'s');
  }
  const subnet = parseSubnet(n.subnet ?? '10.0.2.0/24');
  if (!subnet) problems.push(`network.subnet ${JSON.stringify(n.subnet)} is not an IPv4 subnet with a prefix of 8 to 24 bits`);
  for (const [i, f] of (n.hostForwards ?? []).entries()) {
    if (!port(f.hostPort) || !port(f.guestPort)) problems.push(`network.hostForwards[${i}] needs ports 1-65535`);
  }
  for (const [i, f] of (n.guestForwards ?? []).entries()) {
    const a = ipv4(f.address);
    if (!port(f.port) || !port(f.hostPort)) problems.push(`network.guestForwards[${i}] needs ports 1-65535`);
    if (a === undefined) problems.push(`network.guestForwards[${i}].address ${JSON.stringify(f.address)} is not an IPv4 address`);
    else if (subnet) {
      const mask = (~0 << (32 - subnet[1])) >>> 0;
      if (((a & mask) >>> 0) !== subnet[0]) problems.push(`network.guestForwards[${i}].address ${f.address} is outside the guest network ${n.subnet ?? '10.0.2.0/24'}`);
    }
  }
  return problems;
}
