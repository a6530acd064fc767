/**
 * The public shapes of the hypervisor layer. The rest of kiln sees only these (through
 * hypervisor/index.ts), never koffi pointers.
 */
import type { DomainSpec } from './domain-xml/spec.js';
import type { LifecycleEvent } from './libvirt/lifecycle.js';

export interface OpenOptions {
  /** libvirt connection URI; default defaultUri() (qemu:///system as root, else qemu:///session). */
  uri?: string;
}

export interface CreateOptions {
  /**
   * VIR_DOMAIN_START_AUTODESTROY (default true): libvirt destroys the domain when this connection
   * closes, including when kiln dies, so a crashed build leaves no guest behind. The test driver
   * (test:///default) does not support it: pass false there.
   */
  autoDestroy?: boolean;
}

export interface DomainCapabilitiesQuery {
  arch: string;
  /** libvirt's virt type: qemu or kvm. */
  virtType: string;
  emulator?: string;
  machine?: string;
}

export interface Hypervisor {
  readonly uri: string;
  /** Starts a transient domain (gone once it stops) built from the spec. */
  createTransient(spec: DomainSpec, options?: CreateOptions): Promise<Domain>;
  /**
   * Whom QEMU runs as (uid, gid of libvirt's DAC base label); undefined when the driver has no
   * DAC model. Directories leading to a domain's files must let that user through.
   */
  guestIdentity(): Promise<{ uid: number; gid: number } | undefined>;
  /**
   * Defines a persistent domain from the spec (a deployment: it stays defined when it stops and
   * when kiln exits), not started; with the UUID and name of a defined domain, redefines it.
   */
  defineDomain(spec: DomainSpec): Promise<Domain>;
  /** The domain with this name or UUID, or undefined when libvirt has none. */
  lookupDomain(key: { name: string } | { uuid: string }): Promise<Domain | undefined>;
  /** libvirt's capabilities XML: the host, and the guests (os type, arch, domain types, features) it runs. */
  capabilities(): Promise<string>;
  /** libvirt's domain capabilities XML for one arch and virt type (firmware, loaders, devices). */
  domainCapabilities(query: DomainCapabilitiesQuery): Promise<string>;
  /** Names of all domains of this connection (running and defined), sorted. */
  listDomains(): Promise<string[]>;
  /** Frees domain handles, closes the connection, stops the event loop when it was the last. Idempotent. */
  close(): Promise<void>;
}

/** A domain's state (virDomainState); 'gone' when libvirt no longer knows it. */
export type DomainState = 'running' | 'paused' | 'shutting-down' | 'shut-off' | 'crashed' | 'suspended' | 'unknown' | 'gone';

export interface StopResult {
  /** The STOPPED event's detail: "shutdown" (guest powered off), "destroyed", "crashed", "failed"…; "gone" if the domain had vanished without an event. */
  detail: string;
}

export interface BlockStats {
  rdBytes: number;
  wrBytes: number;
  rdReq: number;
  wrReq: number;
  /** libvirt reports -1 for a counter the driver does not keep. */
  errors: number;
}

export interface InterfaceStats {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDrop: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDrop: number;
}

export interface Domain {
  readonly name: string;
  readonly uuid: string;
  /** The live domain XML as libvirt reported it right after the start (MAC, aliases, machine). */
  readonly xml: string;
  /**
   * Calls cb for every lifecycle event of this domain: first, synchronously, those that already
   * happened since it was created (STARTED may arrive before createTransient resolves), then
   * each new one. Returns the unsubscribe function.
   */
  onLifecycle(cb: (event: LifecycleEvent) => void): () => void;
  /** Resolves on the STOPPED event (at once if it already came). Rejects if the signal aborts or the connection is lost. */
  waitForStop(signal?: AbortSignal): Promise<StopResult>;
  /** True while running; false once stopped (a stopped transient domain no longer exists). */
  isActive(): Promise<boolean>;
  /** The current live XML. */
  getXml(): Promise<string>;
  /** Block device counters; target is the disk's target dev ("vda") or its source path. */
  blockStats(target: string): Promise<BlockStats>;
  /**
   * Interface counters; device is the interface's MAC or host device name, default the first
   * interface. Rejects with INTERFACE_STATS_UNSUPPORTED for `<interface type='user'>` (libvirt 9
   * keeps no counters for user-mode networking: there is no host-side device).
   */
  interfaceStats(device?: string): Promise<InterfaceStats>;
  /** Disks with an I/O error since the start (virDomainGetDiskErrors): target name and why. */
  diskErrors(): Promise<DiskError[]>;
  /** Stops the domain at once. Idempotent: a domain already gone is fine. */
  destroy(): Promise<void>;
  /** The domain's state now. */
  state(): Promise<DomainState>;
  /** Starts a defined (persistent) domain. */
  start(): Promise<void>;
  /** Asks the guest to power off (ACPI power button); resolves at once — waitForStop() waits. No-op when not running. */
  shutdown(): Promise<void>;
  /** Removes a persistent domain's definition (stop it first). Idempotent. */
  undefine(): Promise<void>;
}

export interface DiskError {
  /** The disk's target name (vda) or, for some drivers, its source. */
  disk: string;
  /** no-space: the host file system is full (QEMU pauses the guest); unspec: another I/O error. */
  error: 'no-space' | 'unspec' | 'none';
}

/** Runs a process to completion (the pipeline passes one built on src/core/run.ts). Never rejects for a non-zero exit or a timeout. */
export type Runner = (
  file: string,
  args: string[],
  opts: { timeoutMs: number },
) => Promise<{ exitCode: number; stdout: string; stderr: string; timedOut: boolean }>;
