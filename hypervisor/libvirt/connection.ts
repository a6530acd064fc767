/**
 * One libvirt connection: open/close, transient domain creation, lookup, listing, and the
 * dispatch of lifecycle events to per-domain listeners (keyed by UUID).
 *
 * One lifecycle callback is registered for the whole connection as soon as it opens, and
 * listeners are keyed by UUID, so a caller that knows the UUID before creating the domain (kiln
 * always does: it puts one in the XML) misses no event, not even STARTED.
 */
import koffi from 'koffi';
import { HypervisorError, isHypervisorError, isNoDomain } from '../errors.js';
import { callLibvirt, isNegative, isNull } from './call.js';
import { acquireEventLoop, releaseEventLoop } from './event-loop.js';
import { domainName, domainUuid, libvirt, type Pointer } from './ffi.js';
import { EVENT_ID_LIFECYCLE, lifecycleEvent, type LifecycleEvent } from './lifecycle.js';

/** VIR_DOMAIN_START_AUTODESTROY */
export const START_AUTODESTROY = 2;

type Listener = (event: LifecycleEvent) => void;

export class LibvirtConnection {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly lostListeners = new Set<(error: HypervisorError) => void>();
  private readonly domains = new Set<Pointer>();
  private lifecycleCallbackId = -1;
  private lifecycleCallback: bigint | undefined;
  private closeCallback: bigint | undefined;
  private closing: Promise<void> | undefined;
  private lost: HypervisorError | undefined;

  private constructor(
    readonly uri: string,
    private ptr: Pointer | null,
  ) {}

  static async open(uri: string): Promise<LibvirtConnection> {
    const api = libvirt();
    // The event implementation must exist before the connection opens (the remote driver hooks
    // its socket and keepalive into it).
    await acquireEventLoop();
    let ptr: Pointer;
    try {
      ptr = await callLibvirt<Pointer>('virConnectOpen', api.virConnectOpen, [uri], isNull);
    } catch (error) {
      await releaseEventLoop();
      if (isHypervisorError(error)) {
        throw new HypervisorError('LIBVIRT', `cannot connect to ${uri}: ${error.libvirtMessage ?? error.message}`, {
          operation: 'virConnectOpen',
          libvirtCode: error.libvirtCode,
          libvirtDomain: error.libvirtDomain,
          libvirtMessage: error.libvirtMessage,
          hint: 'Is the libvirt daemon running? As root kiln uses qemu:///system: run scripts/setup-host.sh (it starts virtlogd and libvirtd).',
        });
      }
      throw error;
    }
    const connection = new LibvirtConnection(uri, ptr);
    try {
      await connection.registerCallbacks();
    } catch (error) {
      await connection.close();
      throw error;
    }
    return connection;
  }

  private async registerCallbacks(): Promise<void> {
    const api = libvirt();
    this.lifecycleCallback = koffi.register(
      (_conn: Pointer, dom: Pointer, event: number, detail: number) => {
        this.dispatch(domainUuid(dom), event, detail);
        return 0;
      },
      koffi.pointer(api.lifecycleCallbackProto),
    );
    this.lifecycleCallbackId = await callLibvirt<number>(
      'virConnectDomainEventRegisterAny',
      api.virConnectDomainEventRegisterAny,
      [this.handle(), null, EVENT_ID_LIFECYCLE, this.lifecycleCallback, null, null],
      isNegative,
    );
    this.closeCallback = koffi.register(
      (_conn: Pointer, reason: number) => this.connectionLost(reason),
      koffi.pointer(api.closeCallbackProto),
    );
    // Not every driver has close callbacks (the test driver has none); without one a lost
    // daemon shows up as errors on the next call instead.
    await callLibvirt<number>(
      'virConnectRegisterCloseCallback',
      api.virConnectRegisterCloseCallback,
      [this.handle(), this.closeCallback, null, null],
      isNegative,
    ).catch(() => {
      koffi.unregister(this.closeCallback!);
      this.closeCallback = undefined;
    });
  }

  /** The raw pointer; throws CLOSED after close(). */
  handle(): Pointer {
    if (this.ptr === null || this.closing) throw new HypervisorError('CLOSED', `the connection to ${this.uri} is closed`);
    if (this.lost) throw this.lost;
    return this.ptr;
  }

  /** Listens to lifecycle events of the domain with this UUID (may be called before it exists). */
  subscribe(uuid: string, listener: Listener): () => void {
    const key = uuid.toLowerCase();
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  /** Called with CONNECTION_LOST if the daemon connection breaks, or CLOSED when kiln closes it. */
  onLost(listener: (error: HypervisorError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private dispatch(uuid: string, event: number, detail: number): void {
    const named = lifecycleEvent(event, detail);
    if (!named) return;
    for (const listener of [...(this.listeners.get(uuid.toLowerCase()) ?? [])]) {
      try {
        listener(named);
      } catch {
        // A listener's bug must not break event delivery to the others (nor reach libvirt).
      }
    }
  }

  private connectionLost(reason: number): void {
    // virConnectCloseReason: 0 error, 1 end of file, 2 keepalive, 3 client close.
    const why = ['an error', 'end of file', 'keepalive timeout', 'client close'][reason] ?? `reason ${reason}`;
    this.lost = new HypervisorError('CONNECTION_LOST', `the connection to ${this.uri} was lost (${why})`, {
      hint: 'The libvirt daemon stopped or restarted; the guest was probably destroyed with it.',
    });
    for (const listener of [...this.lostListeners]) listener(this.lost);
  }

  async createXml(xml: string, flags: number): Promise<Pointer> {
    const api = libvirt();
    const dom = await callLibvirt<Pointer>('virDomainCreateXML', api.virDomainCreateXML, [this.handle(), xml, flags], isNull);
    this.domains.add(dom);
    return dom;
  }

  /** Defines (or redefines, same name and UUID) a persistent domain; it is not started. */
  async defineXml(xml: string): Promise<Pointer> {
    const api = libvirt();
    const dom = await callLibvirt<Pointer>('virDomainDefineXML', api.virDomainDefineXML, [this.handle(), xml], isNull);
    this.domains.add(dom);
    return dom;
  }

  /** A handle on the domain with this name, or undefined when there is none. */
  async lookup(by: 'name' | 'uuid', key: string): Promise<Pointer | undefined> {
    const api = libvirt();
    const fn = by === 'name' ? api.virDomainLookupByName : api.virDomainLookupByUUIDString;
    try {
      const dom = await callLibvirt<Pointer>(by === 'name' ? 'virDomainLookupByName' : 'virDomainLookupByUUIDString', fn, [this.handle(), key], isNull);
      this.domains.add(dom);
      return dom;
    } catch (error) {
      if (isNoDomain(error)) return undefined;
      throw error;
    }
  }

  /** The host's capabilities XML (virConnectGetCapabilities). */
  capabilities(): Promise<string> {
    const api = libvirt();
    return callLibvirt<string | null>('virConnectGetCapabilities', api.virConnectGetCapabilities, [this.handle()], (x) => x === null) as Promise<string>;
  }

  /** The domain capabilities XML for one emulator, arch and virt type (virConnectGetDomainCapabilities). */
  domainCapabilities(q: { emulator?: string; arch?: string; machine?: string; virtType?: string }): Promise<string> {
    const api = libvirt();
    return callLibvirt<string | null>(
      'virConnectGetDomainCapabilities',
      api.virConnectGetDomainCapabilities,
      [this.handle(), q.emulator ?? null, q.arch ?? null, q.machine ?? null, q.virtType ?? null, 0],
      (x) => x === null,
    ) as Promise<string>;
  }

  /** Releases a domain handle obtained from this connection (local, no daemon call). */
  freeDomain(dom: Pointer): void {
    if (this.domains.delete(dom)) libvirt().virDomainFree(dom);
  }

  async listDomainNames(): Promise<string[]> {
    const api = libvirt();
    const out: [Pointer | null] = [null];
    const count = await callLibvirt<number>('virConnectListAllDomains', api.virConnectListAllDomains, [this.handle(), out, 0], isNegative);
    const array = out[0];
    if (count === 0 || array === null) return [];
    const pointers = koffi.decode(array, 'void *', count) as Pointer[];
    const names = pointers.map((dom) => {
      const name = domainName(dom);
      api.virDomainFree(dom);
      return name;
    });
    koffi.free(array);
    return names.sort();
  }

  /** Idempotent. Frees the domain handles, deregisters callbacks, closes, releases the event loop. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const api = libvirt();
    const ptr = this.ptr;
    if (ptr === null) return;
    // Whoever still waits for a domain to stop would wait forever: tell them.
    const closed = new HypervisorError('CLOSED', `the connection to ${this.uri} was closed`);
    for (const listener of [...this.lostListeners]) listener(closed);
    const quiet = (p: Promise<unknown>) => p.catch(() => undefined);
    // handle() refuses new calls from now on; calls queued before run first (the queue is in
    // order), so no call can use a domain handle after it is freed below.
    if (this.lifecycleCallbackId >= 0) {
      await quiet(callLibvirt('virConnectDomainEventDeregisterAny', api.virConnectDomainEventDeregisterAny, [ptr, this.lifecycleCallbackId], isNegative));
    }
    for (const dom of [...this.domains]) this.freeDomain(dom);
    if (this.closeCallback !== undefined) {
      await quiet(callLibvirt('virConnectUnregisterCloseCallback', api.virConnectUnregisterCloseCallback, [ptr, this.closeCallback], isNegative));
    }
    await quiet(callLibvirt('virConnectClose', api.virConnectClose, [ptr], isNegative));
    this.ptr = null;
    if (this.lifecycleCallback !== undefined) koffi.unregister(this.lifecycleCallback);
    if (this.closeCallback !== undefined) koffi.unregister(this.closeCallback);
    this.listeners.clear();
    this.lostListeners.clear();
    await releaseEventLoop();
  }
}
