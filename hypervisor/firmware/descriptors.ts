/**
 * The UEFI firmware libvirt's auto-selection can pick on this host, read from the same place
 * libvirt reads it: QEMU's firmware descriptors (docs/interop/firmware.json), JSON files in
 * /usr/share/qemu/firmware, /etc/qemu/firmware and $XDG_CONFIG_HOME/qemu/firmware (a file of the
 * same name in a later directory replaces an earlier one; an empty one hides it), taken in file
 * name order. Debian's ovmf package installs three: OVMF without Secure Boot (i440FX and Q35), and
 * its Secure Boot build (Q35, SMM) with an empty variable store and with Microsoft's keys enrolled.
 * kiln asks libvirt for `uefi` (no secure-boot: the i440FX one) or `uefi-secure` (secure-boot and
 * enrolled-keys: Secure Boot enforcing from the first boot). This only says whether one is there,
 * for `kiln doctor` and for a clear error before a guest starts; libvirt does the choosing.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface FirmwareDescriptor {
  /** The descriptor file. */
  file: string;
  description: string;
  /** The firmware image it names. */
  executable: string;
  /** The variable store template a guest's NVRAM file is copied from. */
  nvramTemplate?: string;
  features: string[];
}

export interface UefiFirmware {
  /** OVMF without Secure Boot, for the i440FX machine. */
  uefi?: FirmwareDescriptor;
  /** OVMF with Secure Boot and enrolled keys, for Q35. */
  secureBoot?: FirmwareDescriptor;
}

interface DescriptorJson {
  description?: string;
  'interface-types'?: string[];
  mapping?: { device?: string; executable?: { filename?: string }; 'nvram-template'?: { filename?: string }; filename?: string };
  targets?: { architecture?: string; machines?: string[] }[];
  features?: string[];
}

export function firmwareDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return ['/usr/share/qemu/firmware', '/etc/qemu/firmware', join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'qemu/firmware')];
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** Reads every descriptor (later directories win by file name), in file name order. */
async function descriptors(dirs: string[]): Promise<{ file: string; json: DescriptorJson }[]> {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    for (const name of await readdir(dir).catch(() => [] as string[])) if (name.endsWith('.json')) byName.set(name, join(dir, name));
  }
  const out: { file: string; json: DescriptorJson }[] = [];
  for (const name of [...byName.keys()].sort()) {
    const file = byName.get(name)!;
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim() === '') continue;
    try {
      out.push({ file, json: JSON.parse(text) as DescriptorJson });
    } catch {
      // A broken descriptor is skipped, as libvirt skips it.
    }
  }
  return out;
}

function forMachine(json: DescriptorJson, arch: string, machine: 'pc-i440fx' | 'pc-q35'): boolean {
  return (json.targets ?? []).some((t) => t.architecture === arch && (t.machines ?? []).some((m) => m.startsWith(machine) || m === '*'));
}

/** The first usable descriptor for each of kiln's two UEFI choices, for an x86_64 guest. */
export async function findUefiFirmware(dirs: string[] = firmwareDirs()): Promise<UefiFirmware> {
  const found: UefiFirmware = {};
  for (const { file, json } of await descriptors(dirs)) {
    if (!(json['interface-types'] ?? []).includes('uefi')) continue;
    const executable = json.mapping?.executable?.filename ?? json.mapping?.filename;
    if (!executable || !(await exists(executable))) continue;
    const features = json.features ?? [];
    const nvramTemplate = json.mapping?.['nvram-template']?.filename;
    const d: FirmwareDescriptor = { file, description: json.description ?? file, executable, ...(nvramTemplate ? { nvramTemplate } : {}), features };
    const secure = features.includes('secure-boot');
    if (!secure && !found.uefi && forMachine(json, 'x86_64', 'pc-i440fx')) found.uefi = d;
    if (secure && features.includes('enrolled-keys') && !found.secureBoot && forMachine(json, 'x86_64', 'pc-q35')) found.secureBoot = d;
  }
  return found;
}
