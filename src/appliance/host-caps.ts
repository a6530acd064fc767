/**
 * libvirt's capabilities XML (virConnectGetCapabilities) and domain capabilities XML
 * (virConnectGetDomainCapabilities) read into what host matching asks: which guests the host
 * runs (os type, arch, emulator, domain types, features with their default and whether they can
 * be toggled) and, per arch and domain type, whether libvirt can boot such a guest and which
 * firmware it can pick.
 */
import { XMLParser } from 'fast-xml-parser';

export interface CapsFeature {
  default?: 'on' | 'off';
  /** Whether the guest may turn it on or off (libvirt's toggle='yes'). */
  toggle: boolean;
}

export interface CapsGuest {
  osType: string;
  arch: string;
  emulator?: string;
  domainTypes: string[];
  /** Feature name → how the host offers it (pae, nonpae, acpi, apic…). */
  features: Record<string, CapsFeature>;
}

export interface HostCapabilities {
  hostArch: string;
  guests: CapsGuest[];
}

export interface DomainCapabilities {
  osSupported: boolean;
  /** Firmware libvirt can pick by itself (`<os firmware='…'>`): efi, bios. */
  firmware: string[];
  /** Loader types (rom, pflash). */
  loaderTypes: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['guest', 'domain', 'value', 'enum', 'machine'].includes(name),
});

type Node = Record<string, unknown>;

export function parseCapabilities(xml: string): HostCapabilities {
  const caps = ((parser.parse(xml) as Node).capabilities ?? {}) as Node;
  const host = (caps.host ?? {}) as Node;
  const guests = ((caps.guest ?? []) as Node[]).map((g): CapsGuest => {
    const arch = (g.arch ?? {}) as Node;
    const features: Record<string, CapsFeature> = {};
    for (const [name, value] of Object.entries((g.features ?? {}) as Node)) {
      const v = (typeof value === 'object' && value !== null ? value : {}) as Node;
      features[name] = { default: v['@_default'] as 'on' | 'off' | undefined, toggle: v['@_toggle'] === 'yes' };
    }
    return {
      osType: String(g.os_type ?? ''),
      arch: String(arch['@_name'] ?? ''),
      emulator: arch.emulator === undefined ? undefined : String(arch.emulator),
      domainTypes: ((arch.domain ?? []) as Node[]).map((d) => String(d['@_type'])),
      features,
    };
  });
  return { hostArch: String(((host.cpu ?? {}) as Node).arch ?? ''), guests };
}

function enumValues(node: Node | undefined, name: string): string[] {
  const e = ((node?.enum ?? []) as Node[]).find((x) => x['@_name'] === name);
  return ((e?.value ?? []) as unknown[]).map(String);
}

export function parseDomainCapabilities(xml: string): DomainCapabilities {
  const caps = ((parser.parse(xml) as Node).domainCapabilities ?? {}) as Node;
  const os = caps.os as Node | undefined;
  return {
    osSupported: os?.['@_supported'] === 'yes',
    firmware: enumValues(os, 'firmware'),
    loaderTypes: enumValues(os?.loader as Node | undefined, 'type'),
  };
}
