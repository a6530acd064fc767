/**
 * What every appliance command does first, before anything is written: open the bundle (or bare
 * descriptor), match its boot descriptors against this host (libvirt's capabilities and domain
 * capabilities, with the accelerator the job uses), plan the disks of the chosen one, and settle
 * memory and vCPUs (flags, else the descriptor's recommendation).
 */
import type { Hypervisor } from '../../../hypervisor/index.js';
import type { Arch } from '../../core/arch.js';
import { KilnError } from '../../core/errors.js';
import type { BootDescriptor } from '../../appliance/descriptor.js';
import { describeVerdicts, matchHost, type HostFacts, type HostMatch } from '../../appliance/host-match.js';
import { openAppliance, plannedDisks, type OpenedAppliance } from '../../appliance/open-bundle.js';
import type { PlannedDisk } from '../../appliance/instance-disks.js';
import { requireFirmware } from '../../testing/guest-firmware.js';
import { wrapHypervisorError } from '../hypervisor-errors.js';
import type { JobResources } from '../resources.js';

export interface PreparedAppliance {
  opened: OpenedAppliance;
  match: HostMatch;
  boot: BootDescriptor;
  planned: PlannedDisk[];
  memoryMiB: number;
  vcpus: number;
  domainType: 'kvm' | 'qemu';
}

/** Used when neither the flags nor the descriptor say. */
export const DEFAULT_MEMORY_MIB = 1024;

/**
 * What host matching asks, answered by libvirt and, for UEFI, by the check an install or a boot
 * test under UEFI makes before its guest starts. `firmwareDirs`: where that check looks for
 * QEMU's firmware descriptors (default: where libvirt looks).
 */
export function hostFacts(hv: Pick<Hypervisor, 'capabilities' | 'domainCapabilities'>, firmwareDirs?: string[]): HostFacts {
  return {
    capabilities: () => hv.capabilities().catch((e: unknown) => Promise.reject(wrapHypervisorError(e, "cannot read libvirt's capabilities"))),
    domainCapabilities: (q) => hv.domainCapabilities(q),
    requireUefi: (arch) => requireFirmware('uefi', arch as Arch, 'a UEFI boot', firmwareDirs),
  };
}

export function unsuitableHost(match: HostMatch, shownAs: string): KilnError {
  return new KilnError('APPLIANCE_HOST_UNSUITABLE', `${shownAs}: this host can run none of the appliance's ${match.verdicts.length} boot descriptor${match.verdicts.length === 1 ? '' : 's'}`, {
    fault: 'user',
    details: describeVerdicts(match),
    hint: "'kiln appliance check' explains each; another host (or --accel, --connect) may run it.",
  });
}

/** Opens and matches without deciding anything (what `check` reports). */
export async function openAndMatch(bundle: string, scratch: string, res: JobResources): Promise<{ opened: OpenedAppliance; match: HostMatch; domainType: 'kvm' | 'qemu' }> {
  const opened = await openAppliance(bundle, scratch, res.ctx.signal);
  const domainType = (await res.accelerator()).domainType;
  const match = await matchHost(opened.descriptor.boots, hostFacts(await res.hypervisor()), domainType);
  return { opened, match, domainType };
}

export async function prepareAppliance(o: { bundle: string; scratch: string; res: JobResources; memoryMiB?: number; vcpus?: number }): Promise<PreparedAppliance> {
  const { opened, match, domainType } = await openAndMatch(o.bundle, o.scratch, o.res);
  if (!match.chosen) throw unsuitableHost(match, opened.shownAs);
  const boot = match.chosen.boot;
  const devices = opened.descriptor.devices;
  return {
    opened,
    match,
    boot,
    planned: plannedDisks(opened, boot),
    memoryMiB: o.memoryMiB ?? (devices.memoryKiB ? Math.ceil(devices.memoryKiB / 1024) : DEFAULT_MEMORY_MIB),
    vcpus: o.vcpus ?? devices.vcpus,
    domainType,
  };
}
