/**
 * A running libvirt domain as kiln sees it: its lifecycle (recorded from before its creation, so
 * nothing is missed), waiting for the stop without polling, stats, destroy.
 */
import { XMLParser } from 'fast-xml-parser';
import { HypervisorError, LibvirtErrorCode, isHypervisorError, isNoDomain } from '../errors.js';
import koffi from 'koffi';
import type { BlockStats, DiskError, Domain, DomainState, InterfaceStats, StopResult } from '../types.js';
import { callLibvirt, isNegative } from './call.js';
import type { LibvirtConnection } from './connection.js';
import { libvirt, type Pointer } from './ffi.js';
import type { LifecycleEvent } from './lifecycle.js';

/** virDomainState, in order (include/libvirt/libvirt-domain.h). */
const DOMAIN_STATES: readonly DomainState[] = ['unknown', 'running', 'running', 'paused', 'shutting-down', 'shut-off', 'crashed', 'suspended'];

/** VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_NVRAM: nothing of the domain's is left in libvirt. */
const UNDEFINE_FLAGS = 1 | 4;

/**
 * How long waitForStop waits for the STOPPED event after libvirt said the domain is no longer
 * running (the daemon may send the event just after answering): only to learn the detail.
 */
const STOP_EVENT_GRACE_MS = 2000;

/** Every lifecycle event of one domain, in order; subscribed before the domain is created. */
export class LifecycleRecord {
  readonly history: LifecycleEvent[] = [];
  private readonly listeners = new Set<(event: LifecycleEvent) => void>();

  readonly push = (event: LifecycleEvent): void => {
    this.history.push(event);
    for (const listener of [...this.listeners]) listener(event);
  };

  listen(listener: (event: LifecycleEvent) => void, replay: boolean): () => void {
    if (replay) for (const event of [...this.history]) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get stopped(): StopResult | undefined {
    const event = this.history.find((e) => e.event === 'stopped');
    return event && { detail: event.detail };
  }
}

export class LibvirtDomain implements Domain {
  constructor(
    private readonly connection: LibvirtConnection,
    private readonly ptr: Pointer,
    readonly name: string,
    readonly uuid: string,
    readonly xml: string,
    private readonly record: LifecycleRecord,
  ) {}

  /** The domain handle; throws CLOSED once the connection is closed (the handle is freed then). */
  private handle(): Pointer {
    this.connection.handle();
    return this.ptr;
  }

  /** The same domain with the live XML in place of the XML it was created from. */
  withXml(xml: string): LibvirtDomain {
    return new LibvirtDomain(this.connection, this.ptr, this.name, this.uuid, xml, this.record);
  }

  onLifecycle(cb: (event: LifecycleEvent) => void): () => void {
    return this.record.listen(cb, true);
  }

  waitForStop(signal?: AbortSignal): Promise<StopResult> {
    const already = this.record.stopped;
    if (already) return Promise.resolve(already);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<StopResult>((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        unlisten();
        unlost();
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(grace);
        settle();
      };
      const unlisten = this.record.listen((event) => {
        if (event.event === 'stopped') finish(() => resolve({ detail: event.detail }));
      }, false);
      const unlost = this.connection.onLost((error) => finish(() => reject(error)));
      const onAbort = () => finish(() => reject(signal!.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      // Subscribed: now make sure the domain has not stopped before we listened (or without an
      // event reaching us). A stopped transient domain no longer exists.
      this.isActive().then(
        (active) => {
          if (active) return;
          grace = setTimeout(() => finish(() => resolve(this.record.stopped ?? { detail: 'gone' })), STOP_EVENT_GRACE_MS);
        },
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  async isActive(): Promise<boolean> {
    try {
      const active = await callLibvirt<number>('virDomainIsActive', libvirt().virDomainIsActive, [this.handle()], isNegative);
      return active === 1;
    } catch (error) {
      if (isNoDomain(error)) return false;
      throw error;
    }
  }

  getXml(): Promise<string> {
    return callLibvirt<string | null>('virDomainGetXMLDesc', libvirt().virDomainGetXMLDesc, [this.handle(), 0], (x) => x === null) as Promise<string>;
  }

  async blockStats(target: string): Promise<BlockStats> {
    const api = libvirt();
    const out: Record<string, number | bigint> = {};
    await callLibvirt<number>('virDomainBlockStats', api.virDomainBlockStats, [this.handle(), target, out, api.blockStatsStruct.size], isNegative);
    return {
      rdBytes: Number(out.rd_bytes),
      wrBytes: Number(out.wr_bytes),
      rdReq: Number(out.rd_req),
      wrReq: Number(out.wr_req),
      errors: Number(out.errs),
    };
  }

  async interfaceStats(device?: string): Promise<InterfaceStats> {
    const api = libvirt();
    const iface = interfaces(this.xml).find((i) => device === undefined || i.mac === device || i.dev === device);
    const which = device ?? iface?.mac;
    if (which === undefined) {
      throw new HypervisorError('LIBVIRT', `domain ${this.name} has no network interface`, { operation: 'virDomainInterfaceStats' });
    }
    const out: Record<string, number | bigint> = {};
    try {
      await callLibvirt<number>('virDomainInterfaceStats', api.virDomainInterfaceStats, [this.handle(), which, out, api.interfaceStatsStruct.size], isNegative);
    } catch (error) {
      // Measured on libvirt 9.0: for <interface type='user'> the call fails with
      // VIR_ERR_INTERNAL_ERROR "Interface name not provided": QEMU's user-mode (slirp) network has
      // no host-side device whose counters libvirt could read (/proc/net/dev).
      if (iface?.type === 'user' && isHypervisorError(error) && error.libvirtCode === LibvirtErrorCode.INTERNAL_ERROR) {
        throw new HypervisorError(
          'INTERFACE_STATS_UNSUPPORTED',
          `libvirt keeps no interface statistics for user-mode networking (<interface type='user'>) of ${this.name}: ${error.libvirtMessage ?? error.message}`,
          {
            cause: error,
            operation: 'virDomainInterfaceStats',
            libvirtCode: error.libvirtCode,
            libvirtDomain: error.libvirtDomain,
            libvirtMessage: error.libvirtMessage,
            hint: 'Count guest traffic where it ends on the host instead (e.g. the HTTP server the guest downloads from).',
          },
        );
      }
      throw error;
    }
    return {
      rxBytes: Number(out.rx_bytes),
      rxPackets: Number(out.rx_packets),
      rxErrors: Number(out.rx_errs),
      rxDrop: Number(out.rx_drop),
      txBytes: Number(out.tx_bytes),
      txPackets: Number(out.tx_packets),
      txErrors: Number(out.tx_errs),
      txDrop: Number(out.tx_drop),
    };
  }

  async diskErrors(): Promise<DiskError[]> {
    const api = libvirt();
    const max = 16;
    const buffer = koffi.alloc(api.diskErrorStruct, max);
    try {
      const count = await callLibvirt<number>('virDomainGetDiskErrors', api.virDomainGetDiskErrors, [this.handle(), buffer, max, 0], isNegative);
      const entries = koffi.decode(buffer, api.diskErrorStruct, count) as { disk: bigint | null; error: number }[];
      return entries.map((e) => {
        const disk = e.disk === null ? '' : String(koffi.decode(e.disk, 'char', -1));
        if (e.disk !== null) koffi.free(e.disk);
        return { disk, error: e.error === 2 ? 'no-space' : e.error === 1 ? 'unspec' : 'none' } as DiskError;
      });
    } finally {
      koffi.free(buffer);
    }
  }

  async state(): Promise<DomainState> {
    const api = libvirt();
    const state = [0];
    const reason = [0];
    try {
      await callLibvirt<number>('virDomainGetState', api.virDomainGetState, [this.handle(), state, reason, 0], isNegative);
    } catch (error) {
      if (isNoDomain(error)) return 'gone';
      throw error;
    }
    return DOMAIN_STATES[state[0]!] ?? 'unknown';
  }

  async start(): Promise<void> {
    await callLibvirt<number>('virDomainCreate', libvirt().virDomainCreate, [this.handle()], isNegative);
  }

  async shutdown(): Promise<void> {
    const state = await this.state();
    if (state === 'shut-off' || state === 'gone') return;
    try {
      await callLibvirt<number>('virDomainShutdown', libvirt().virDomainShutdown, [this.handle()], isNegative);
    } catch (error) {
      // Not running (or gone): nothing to shut down.
      if (isGoneOrNotRunning(error)) return;
      throw error;
    }
  }

  async undefine(): Promise<void> {
    const undefine = (flags: number) => callLibvirt<number>('virDomainUndefineFlags', libvirt().virDomainUndefineFlags, [this.handle(), flags], isNegative);
    try {
      // A running domain becomes transient (gone when it stops); kiln destroys first.
      await undefine(UNDEFINE_FLAGS).catch((error: unknown) => {
        // A driver without those flags (the test driver) has no managed save or NVRAM to remove.
        if (isHypervisorError(error) && error.libvirtCode === LibvirtErrorCode.INVALID_ARG) return undefine(0);
        throw error;
      });
    } catch (error) {
      if (isNoDomain(error)) return;
      throw error;
    }
  }

  async destroy(): Promise<void> {
    try {
      await callLibvirt<number>('virDomainDestroy', libvirt().virDomainDestroy, [this.handle()], isNegative);
    } catch (error) {
      // Already gone (a stopped transient domain) or not running: the goal is reached.
      if (isGoneOrNotRunning(error)) return;
      throw error;
    }
  }
}

/** libvirt's answer when the domain is gone, or defined but not running. */
function isGoneOrNotRunning(error: unknown): boolean {
  return isNoDomain(error) || (isHypervisorError(error) && error.libvirtCode === LibvirtErrorCode.OPERATION_INVALID);
}

/** A freshly created domain's live XML; the XML sent if it is gone already (it stopped at once). */
export async function liveXml(domain: LibvirtDomain): Promise<string> {
  try {
    return await domain.getXml();
  } catch (error) {
    if (isNoDomain(error)) return domain.xml;
    throw error;
  }
}

interface InterfaceInfo {
  type: string;
  mac?: string;
  dev?: string;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'interface' });

/** The network interfaces of a domain XML: type, MAC, host device. */
export function interfaces(xml: string): InterfaceInfo[] {
  const doc = parser.parse(xml) as { domain?: { devices?: { interface?: Array<Record<string, unknown>> } } };
  return (doc.domain?.devices?.interface ?? []).map((i) => ({
    type: String(i.type ?? ''),
    mac: (i.mac as { address?: string } | undefined)?.address,
    dev: (i.target as { dev?: string } | undefined)?.dev,
  }));
}

