/**
 * The Hypervisor behind hypervisor/index.ts: a libvirt connection that starts transient domains
 * from a DomainSpec.
 */
import { randomUUID } from 'node:crypto';
import { buildDomainXml } from '../domain-xml/build.js';
import type { DomainSpec } from '../domain-xml/spec.js';
import type { CreateOptions, Domain, DomainCapabilitiesQuery, Hypervisor, OpenOptions } from '../types.js';
import { domainName, domainUuid } from './ffi.js';
import { LibvirtConnection, START_AUTODESTROY } from './connection.js';
import { LibvirtDomain, LifecycleRecord, liveXml } from './domain.js';
import { guestIdentityFromCapabilities, type GuestIdentity } from './guest-identity.js';

/**
 * The libvirt URI kiln uses when none is given. As root: qemu:///system, because libvirt starts no
 * per-user session daemon for root (qemu:///session as root fails or needs a daemon started by
 * hand); scripts/setup-host.sh starts virtlogd and libvirtd. QEMU runs as libvirt's own user
 * there (guestIdentity): kiln keeps what a guest opens where that user can reach it. As any other user:
 * qemu:///session, which libvirt auto-starts per user with no set-up.
 */
export function defaultUri(): string {
  return process.getuid?.() === 0 ? 'qemu:///system' : 'qemu:///session';
}

export async function openHypervisor(options: OpenOptions = {}): Promise<Hypervisor> {
  const connection = await LibvirtConnection.open(options.uri ?? defaultUri());
  return new LibvirtHypervisor(connection);
}

class LibvirtHypervisor implements Hypervisor {
  constructor(private readonly connection: LibvirtConnection) {}

  get uri(): string {
    return this.connection.uri;
  }

  async createTransient(spec: DomainSpec, options: CreateOptions = {}): Promise<Domain> {
    // kiln picks the UUID, so it can listen for the domain's events before it exists.
    const uuid = spec.uuid ?? randomUUID();
    const xml = buildDomainXml({ ...spec, uuid });
    const record = new LifecycleRecord();
    const unsubscribe = this.connection.subscribe(uuid, record.push);
    const flags = options.autoDestroy === false ? 0 : START_AUTODESTROY;
    let domain: LibvirtDomain;
    try {
      const ptr = await this.connection.createXml(xml, flags);
      domain = new LibvirtDomain(this.connection, ptr, spec.name, uuid, xml, record);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    try {
      return domain.withXml(await liveXml(domain));
    } catch (error) {
      await domain.destroy().catch(() => undefined);
      throw error;
    }
  }

  async guestIdentity(): Promise<GuestIdentity | undefined> {
    return guestIdentityFromCapabilities(await this.connection.capabilities());
  }

  async defineDomain(spec: DomainSpec): Promise<Domain> {
    const uuid = spec.uuid ?? randomUUID();
    const xml = buildDomainXml({ ...spec, uuid });
    const record = new LifecycleRecord();
    const unsubscribe = this.connection.subscribe(uuid, record.push);
    try {
      const ptr = await this.connection.defineXml(xml);
      const domain = new LibvirtDomain(this.connection, ptr, spec.name, uuid, xml, record);
      return domain.withXml(await liveXml(domain));
    } catch (error) {
      unsubscribe();
      throw error;
    }
  }

  async lookupDomain(key: { name: string } | { uuid: string }): Promise<Domain | undefined> {
    const ptr = 'name' in key ? await this.connection.lookup('name', key.name) : await this.connection.lookup('uuid', key.uuid);
    if (ptr === undefined) return undefined;
    const uuid = domainUuid(ptr);
    const record = new LifecycleRecord();
    this.connection.subscribe(uuid, record.push);
    const domain = new LibvirtDomain(this.connection, ptr, domainName(ptr), uuid, '', record);
    return domain.withXml(await liveXml(domain));
  }

  capabilities(): Promise<string> {
    return this.connection.capabilities();
  }

  domainCapabilities(query: DomainCapabilitiesQuery): Promise<string> {
    return this.connection.domainCapabilities(query);
  }

  listDomains(): Promise<string[]> {
    return this.connection.listDomainNames();
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
