/**
 * Host matching as virt-image's format defines it: a boot descriptor suits the host when the
 * host runs guests of its type and arch with the features it asks for; the appliance runs if one
 * does. virt-image compared each named feature with libvirt's capabilities (on needs the host to
 * offer it, off needs it to be one the guest can turn off); kiln does the same, and also asks
 * libvirt's domain capabilities whether it can boot such a guest with the firmware the descriptor
 * wants. A UEFI boot descriptor (`<loader firmware="efi">`, one of those the appliance target
 * writes per firmware its system disk boots) suits the host only where a UEFI guest of its arch
 * can start: the same check an install or a boot test under UEFI makes (OVMF's firmware
 * descriptors; i686 guests boot with BIOS only), handed in with the host's facts, and then
 * libvirt's own word on the connection (its domain capabilities list efi). Every descriptor gets
 * a verdict; a rejected one says why, so `check` can explain.
 *
 * Where kiln differs from virt-image, and why: an x86_64 guest that asks for PAE gets it (long
 * mode needs PAE; libvirt lists pae only for 32-bit guests); among several suitable descriptors
 * kiln prefers the host's own arch (no emulated 32-bit machine when a 64-bit one fits), then
 * document order; Xen paravirtualized descriptors are explained and skipped, since kiln deploys
 * on QEMU.
 */
import { isKilnError } from '../core/errors.js';
import type { BootDescriptor, Feature } from './descriptor.js';
import { parseCapabilities, parseDomainCapabilities, type CapsGuest, type DomainCapabilities } from './host-caps.js';

/** What host matching asks the host (libvirt, or recorded XML in tests). */
export interface HostFacts {
  capabilities(): Promise<string>;
  domainCapabilities(q: { arch: string; virtType: string; emulator?: string }): Promise<string>;
  /**
   * Rejects, saying why, when a guest of this arch cannot start under UEFI here (the pipeline
   * passes the firmware check installs and boot tests make: OVMF's descriptors, BIOS only for i686).
   */
  requireUefi(arch: string): Promise<void>;
}

export interface BootVerdict {
  boot: BootDescriptor;
  ok: boolean;
  /** Why it was rejected (empty when ok). */
  reasons: string[];
  /** The host's guest it matched (ok only). */
  guest?: CapsGuest;
}

export interface HostMatch {
  chosen?: BootVerdict;
  verdicts: BootVerdict[];
  hostArch: string;
}

/** The arches kiln deploys (its QEMU emulators). */
const KILN_ARCHES = ['x86_64', 'i686'];

const FEATURE_NAMES: Record<Feature, string> = { pae: 'PAE', acpi: 'ACPI', apic: 'APIC' };

function featureProblem(name: Feature, state: 'on' | 'off', guest: CapsGuest): string | undefined {
  const f = guest.features;
  const what = FEATURE_NAMES[name];
  if (name === 'pae') {
    if (guest.arch === 'x86_64') return state === 'off' ? 'asks for PAE off, but a 64-bit guest always runs with PAE' : undefined;
    if (state === 'on') return f.pae ? undefined : `needs PAE, which the host's ${guest.arch} guests lack (no <pae/> in libvirt's capabilities)`;
    return f.nonpae ? undefined : `needs PAE off, which the host's ${guest.arch} guests cannot have (no <nonpae/>)`;
  }
  const offered = f[name];
  if (!offered) return `needs ${what} ${state}, which libvirt does not list for ${guest.arch} guests`;
  if (state === 'on' && offered.default === 'off' && !offered.toggle) return `needs ${what} on, which libvirt keeps off for ${guest.arch} guests`;
  if (state === 'off' && offered.default !== 'off' && !offered.toggle) return `needs ${what} off, which libvirt cannot turn off for ${guest.arch} guests (toggle='no')`;
  return undefined;
}

export function needsUefi(boot: BootDescriptor): boolean {
  return boot.os.kind === 'loader' && boot.os.firmware === 'efi';
}

/**
 * Why a UEFI guest of this arch cannot start here, in the words of the firmware check, with its
 * hint (what to install) — but for a usage error's, which is about a command line's flags.
 */
async function uefiProblem(host: HostFacts, arch: string): Promise<string | undefined> {
  try {
    await host.requireUefi(arch);
    return undefined;
  } catch (error) {
    if (!isKilnError(error)) throw error;
    return error.hint && !error.usage ? `${error.message} (${error.hint})` : error.message;
  }
}

/** libvirt's word on UEFI for this arch and domain type on the connection (its domain capabilities). */
function libvirtUefiProblem(domcaps: DomainCapabilities | undefined, error: string | undefined): string | undefined {
  if (!domcaps) return `needs UEFI firmware, and libvirt's domain capabilities could not be read (${error ?? 'no answer'})`;
  if (!domcaps.firmware.includes('efi')) return "needs UEFI firmware, which libvirt's domain capabilities do not offer on this connection";
  return undefined;
}

async function judge(boot: BootDescriptor, guests: CapsGuest[], virtType: string, host: HostFacts): Promise<BootVerdict> {
  const reject = (...reasons: string[]): BootVerdict => ({ boot, ok: false, reasons });
  if (boot.type === 'xen') {
    const xen = guests.some((g) => g.osType === 'xen');
    return reject(xen ? 'a Xen paravirtualized boot: kiln deploys fully virtualized (hvm) guests on QEMU' : `a Xen paravirtualized boot, and the host runs no xen guests (libvirt offers: ${[...new Set(guests.map((g) => g.osType))].join(', ') || 'none'})`);
  }
  const hvm = guests.filter((g) => g.osType === 'hvm');
  if (hvm.length === 0) return reject(`the host runs no fully virtualized (hvm) guests (libvirt offers: ${[...new Set(guests.map((g) => g.osType))].join(', ') || 'none'})`);
  const guest = hvm.find((g) => g.arch === boot.arch);
  if (!guest) return reject(`the host cannot run ${boot.arch || 'unknown-arch'} guests (it runs hvm guests for ${hvm.map((g) => g.arch).join(', ')})`);
  if (!KILN_ARCHES.includes(boot.arch)) return reject(`kiln deploys ${KILN_ARCHES.join(' and ')} appliances, not ${boot.arch}`);
  if (!guest.domainTypes.includes(virtType)) return reject(`libvirt has no ${virtType} domains for ${boot.arch} (it has: ${guest.domainTypes.join(', ') || 'none'})`);
  if (boot.os.kind === 'pygrub') return reject('pygrub boots Xen paravirtualized guests only');
  const reasons: string[] = [];
  for (const [name, state] of Object.entries(boot.features) as [Feature, 'on' | 'off'][]) {
    const problem = featureProblem(name, state, guest);
    if (problem) reasons.push(problem);
  }
  let domcaps: DomainCapabilities | undefined;
  let error: string | undefined;
  try {
    domcaps = parseDomainCapabilities(await host.domainCapabilities({ arch: boot.arch, virtType, emulator: guest.emulator }));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  if (domcaps && !domcaps.osSupported) reasons.push(`libvirt cannot boot ${boot.arch} guests of type ${virtType} (domain capabilities: os not supported)`);
  // UEFI: the firmware check kiln makes before any UEFI guest starts, then libvirt's domain
  // capabilities (one reason: a missing OVMF is not told twice).
  if (needsUefi(boot)) {
    const uefi = (await uefiProblem(host, boot.arch)) ?? libvirtUefiProblem(domcaps, error);
    if (uefi) reasons.push(uefi);
  }
  return reasons.length ? { boot, ok: false, reasons } : { boot, ok: true, reasons: [], guest };
}

/** Judges every boot descriptor against the host and picks one (virtType: kvm or qemu, from the accelerator probe). */
export async function matchHost(boots: BootDescriptor[], host: HostFacts, virtType: string): Promise<HostMatch> {
  const caps = parseCapabilities(await host.capabilities());
  const verdicts: BootVerdict[] = [];
  for (const boot of boots) verdicts.push(await judge(boot, caps.guests, virtType, host));
  const ok = verdicts.filter((v) => v.ok);
  const chosen = ok.find((v) => v.boot.arch === caps.hostArch) ?? ok[0];
  return { chosen, verdicts, hostArch: caps.hostArch };
}

/** One line per boot descriptor: chosen, suitable, or rejected with its reasons. */
export function describeVerdicts(match: HostMatch): string[] {
  return match.verdicts.map((v) => {
    const what = `boot descriptor ${v.boot.index} (${v.boot.type} ${v.boot.arch || '?'}${describeOs(v.boot)})`;
    if (v === match.chosen) return `${what}: chosen`;
    if (v.ok) return `${what}: suitable`;
    return `${what}: rejected: ${v.reasons.join('; ')}`;
  });
}

function describeOs(boot: BootDescriptor): string {
  const os = boot.os;
  if (os.kind === 'loader') return `, ${os.firmware === 'efi' ? 'UEFI' : 'BIOS'} from ${os.dev}`;
  if (os.kind === 'kernel') return ', kernel in the bundle';
  return ', pygrub';
}
