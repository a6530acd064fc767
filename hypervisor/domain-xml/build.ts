/**
 * DomainSpec → libvirt domain XML (fast-xml-parser's XMLBuilder: it escapes text and attributes).
 *
 * What every kiln guest gets, and why:
 * - `<features><acpi/></features>`: without ACPI a guest's poweroff never stops the domain.
 * - on_poweroff / on_reboot / on_crash = destroy: every way a guest ends becomes a STOPPED event
 *   (with kernel `panic=-1`, a panic reboots, and the reboot stops the domain too).
 * - No USB controller, no balloon, no graphics: less for TCG to emulate; the console is serial.
 * - `<cpu mode='host-passthrough'/>` only with type kvm (TCG keeps QEMU's default model).
 * - User-mode networking with port forwards or another subnet: libvirt 9's `<interface
 *   type='user'>` has neither (port forwards need the passt backend, which cannot forward a guest
 *   address to the host), so such a NIC is QEMU's own `-netdev user` passed through libvirt's
 *   qemu:commandline (libvirt marks the domain "custom-argv"; nothing else changes). hostfwd
 *   binds host loopback only. Its NIC has no option ROM: kiln's guests never boot from the
 *   network, and without iPXE a firmware that finds no boot loader says so at once.
 * - UEFI: `<os firmware='efi'>` with the features asked for (secure-boot, and enrolled-keys with
 *   it), so libvirt picks the OVMF build from the host's firmware descriptors; Secure Boot needs
 *   the Q35 machine and SMM. The guest's variable store is the spec's own nvram file.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { emulatorFor } from './emulator.js';
import { diskTarget, isKernelBoot, validateSpec, type DiskSpec, type DomainSpec, type NetworkSpec } from './spec.js';

const QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0';

type Node = Record<string, unknown>;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

/** Validates the spec (throws INVALID_SPEC) and returns the domain XML. */
export function buildDomainXml(spec: DomainSpec): string {
  validateSpec(spec);
  const passthrough = spec.network && needsPassthrough(spec.network);
  const domain: Node = {
    '@_type': spec.type,
    '@_xmlns:qemu': passthrough ? QEMU_NS : undefined,
    name: spec.name,
    uuid: spec.uuid,
    memory: { '@_unit': 'MiB', '#text': spec.memoryMiB },
    vcpu: spec.vcpus,
    os: os(spec),
    features: features(spec),
    cpu: spec.type === 'kvm' ? { '@_mode': 'host-passthrough' } : undefined,
    clock: { '@_offset': 'utc' },
    on_poweroff: spec.lifecycle?.poweroff ?? 'destroy',
    on_reboot: spec.lifecycle?.reboot ?? 'destroy',
    on_crash: spec.lifecycle?.crash ?? 'destroy',
    devices: devices(spec),
    sysinfo: spec.sysinfo && {
      '@_type': 'smbios',
      system: { entry: Object.entries(spec.sysinfo).filter(([, v]) => v !== undefined).map(([name, value]) => ({ '@_name': name, '#text': value })) },
    },
    // Q35's root bus is PCI Express (pcie.0), i440FX's is pci.0.
    'qemu:commandline': passthrough ? { 'qemu:arg': userNetArgs(spec.network!, machine(spec) === 'q35' ? 'pcie.0' : 'pci.0').map((value) => ({ '@_value': value })) } : undefined,
  };
  return builder.build({ domain: prune(domain) }) as string;
}

function secureBoot(spec: DomainSpec): boolean {
  return spec.firmware?.kind === 'uefi' && spec.firmware.secureBoot;
}

/** The machine type: Q35 where OVMF's Secure Boot build needs it (SMM), else i440FX. */
function machine(spec: DomainSpec): 'pc' | 'q35' {
  return secureBoot(spec) ? 'q35' : 'pc';
}

function os(spec: DomainSpec): Node {
  const type = { '@_arch': spec.arch, '@_machine': machine(spec), '#text': 'hvm' };
  const smbios = spec.sysinfo ? { '@_mode': 'sysinfo' } : undefined;
  const fw = spec.firmware?.kind === 'uefi' ? spec.firmware : undefined;
  // libvirt turns useserial into `-machine graphics=off`: SeaBIOS then uses its serial console.
  const bios = spec.firmwareOnSerial && !fw ? { '@_useserial': 'yes' } : undefined;
  const uefi = fw && {
    firmware: {
      feature: [
        { '@_enabled': fw.secureBoot ? 'yes' : 'no', '@_name': 'secure-boot' },
        ...(fw.secureBoot ? [{ '@_enabled': 'yes', '@_name': 'enrolled-keys' }] : []),
      ],
    },
    nvram: fw.nvram,
  };
  const head = { '@_firmware': fw ? 'efi' : undefined, type, ...uefi };
  if (isKernelBoot(spec.boot)) {
    return { ...head, kernel: spec.boot.kernel, initrd: spec.boot.initrd, cmdline: spec.boot.cmdline, bios, smbios };
  }
  return { ...head, boot: { '@_dev': spec.boot.device }, bios, smbios };
}

/** The spec's platform features (default ACPI only), and SMM where Secure Boot needs it. */
function features(spec: DomainSpec): Node {
  const f = spec.features ?? { acpi: true };
  return {
    pae: f.pae ? '' : undefined,
    acpi: f.acpi ? '' : undefined,
    apic: f.apic ? '' : undefined,
    smm: secureBoot(spec) ? { '@_state': 'on' } : undefined,
  };
}

function needsPassthrough(n: NetworkSpec): boolean {
  if (n.network !== undefined) return false;
  return n.subnet !== undefined || (n.hostForwards?.length ?? 0) > 0 || (n.guestForwards?.length ?? 0) > 0;
}

/** `-netdev user,…` and its NIC, for qemu:commandline (no value contains a comma to escape). */
export function userNetArgs(n: NetworkSpec, bus: 'pci.0' | 'pcie.0' = 'pci.0'): string[] {
  const netdev = ['user', 'id=kilnnet0'];
  if (n.subnet) netdev.push(`net=${n.subnet}`);
  for (const f of n.hostForwards ?? []) netdev.push(`hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`);
  for (const f of n.guestForwards ?? []) netdev.push(`guestfwd=tcp:${f.address}:${f.port}-tcp:127.0.0.1:${f.hostPort}`);
  // A slot libvirt's own address assignment (which counts up from 0x2) leaves free.
  // romfile= (empty): no option ROM, so no network boot.
  const nic = [(n.model ?? 'virtio') === 'virtio' ? 'virtio-net-pci' : 'e1000', 'netdev=kilnnet0', `bus=${bus}`, 'addr=0x1e', 'romfile=', ...(n.mac ? [`mac=${n.mac}`] : [])];
  return ['-netdev', netdev.join(','), '-device', nic.join(',')];
}

function devices(spec: DomainSpec): Node {
  return {
    emulator: spec.emulator ?? emulatorFor(spec.arch),
    disk: spec.disks.map(disk),
    controller: { '@_type': 'usb', '@_model': 'none' },
    interface: [...(spec.network && !needsPassthrough(spec.network) ? [spec.network] : []), ...(spec.extraNetworks ?? [])].map(iface),
    serial: serial(spec),
    console: (spec.serialLog || spec.consoleLog) && {
      '@_type': spec.serialLog ? 'file' : 'pty',
      source: spec.serialLog ? { '@_path': spec.serialLog } : undefined,
      target: { '@_type': 'serial', '@_port': 0 },
    },
    channel: spec.channels?.map((c) => ({
      '@_type': 'file',
      source: { '@_path': c.path },
      target: { '@_type': 'virtio', '@_name': c.name },
    })),
    graphics: spec.graphics && { '@_type': spec.graphics, '@_autoport': 'yes', '@_listen': '127.0.0.1' },
    rng: spec.rng ? { '@_model': 'virtio', backend: { '@_model': 'random', '#text': '/dev/urandom' } } : undefined,
    memballoon: { '@_model': 'none' },
  };
}

function iface(n: NetworkSpec): Node {
  return {
    '@_type': n.network === undefined ? 'user' : 'network',
    mac: n.mac && { '@_address': n.mac },
    source: n.network === undefined ? undefined : { '@_network': n.network },
    model: { '@_type': n.model ?? 'virtio' },
  };
}

/** A file (build and test guests), or a pty for `virsh console` whose output libvirt also logs to a file. */
function serial(spec: DomainSpec): Node | undefined {
  if (spec.serialLog) return { '@_type': 'file', source: { '@_path': spec.serialLog }, target: { '@_port': 0 } };
  if (spec.consoleLog) return { '@_type': 'pty', log: { '@_file': spec.consoleLog, '@_append': 'on' }, target: { '@_port': 0 } };
  return undefined;
}

function disk(d: DiskSpec, index: number): Node {
  return {
    '@_type': 'file',
    '@_device': d.device ?? 'disk',
    driver: { '@_name': 'qemu', '@_type': d.format, '@_discard': d.discard, '@_cache': d.cache },
    source: { '@_file': d.path },
    target: { '@_dev': diskTarget(d, index), '@_bus': d.bus ?? 'virtio' },
    readonly: d.readonly || d.device === 'cdrom' ? '' : undefined,
  };
}

/** Drops undefined values (absent optional elements and attributes) recursively. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value === null || typeof value !== 'object') return value;
  const out: Node = {};
  for (const [key, v] of Object.entries(value as Node)) {
    if (v === undefined || v === false) continue;
    out[key] = prune(v);
  }
  return out;
}
