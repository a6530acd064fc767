/**
 * A watched guest: creates the transient domain, follows its console (and the installer's log
 * and kiln's report channel, when the guest has them) line by line, samples disk and network
 * activity, and feeds everything into the GuestMachine. Completion comes from libvirt's lifecycle
 * events, never from polling the domain's state. `until()` resolves when the machine reaches one
 * of the asked states and rejects with the failure as a KilnError; the domain is on the cleanup
 * stack until the run releases or destroys it. Installs and boot tests both run guests this way.
 */
import type { Domain, DomainSpec, Hypervisor } from '../../hypervisor/index.js';
import { KilnError, interruptedError, type ErrorCode } from '../core/errors.js';
import type { Emit, GuestState } from '../core/events.js';
import type { CleanupStack } from '../core/cleanup.js';
import { FileTail } from './file-tail.js';
import { GuestMachine, type FailureReason, type MonitorInput, type MonitorOptions, type Stream, type Transition } from './guest-machine.js';
import { wrapHypervisorError } from './hypervisor-errors.js';
import { diskErrorOf } from './disk-full.js';

/** The error code of each way a guest fails. */
export const FAILURE_CODES: Record<FailureReason, ErrorCode> = {
  'installer-error': 'INSTALL_FAILED',
  stalled: 'INSTALL_STALLED',
  timeout: 'INSTALL_TIMEOUT',
  'no-poweroff': 'INSTALL_FAILED',
  incomplete: 'INSTALL_INCOMPLETE',
  'no-bootloader': 'BOOT_NO_BOOTLOADER',
  'kernel-panic': 'BOOT_KERNEL_PANIC',
  stopped: 'BOOT_STOPPED',
  'no-network': 'BOOT_NO_NETWORK',
  'ssh-refused': 'BOOT_SSH_FAILED',
  'cloud-init': 'BOOT_CLOUD_INIT_FAILED',
  'check-failed': 'BOOT_CHECK_FAILED',
};

/** getty's prompt on the serial console (`localhost login: `), which no newline follows. */
const LOGIN_PROMPT = /\slogin: ?$/;

export interface GuestRunInput {
  hypervisor: Hypervisor;
  spec: DomainSpec;
  /**
   * Starts the guest (default: a transient domain from the spec). A deployment passes its
   * persistent domain's start; on failure the cleanup stack still stops it (destroy).
   */
  startDomain?: () => Promise<Domain>;
  /** Files the guest's console and channels are written to (by libvirt); the console is required. */
  logs: { console: string } & Partial<Record<'installer' | 'report', string>>;
  monitor: MonitorOptions;
  /** Bytes the build's HTTP server has sent to the guest so far (the stall watchdog). */
  servedBytes?: () => number;
  /** Disk whose writes count as activity (default vda). */
  activityDisk?: string;
  emit: Emit;
  signal: AbortSignal;
  cleanup: CleanupStack;
  /** Milliseconds between activity samples and clock ticks. */
  sampleMs?: number;
  now?: () => number;
  /** What the failure hint points at. */
  hint?: string;
}

export class GuestRun {
  readonly machine: GuestMachine;
  readonly reportLines: string[] = [];
  /** The last console lines (for explaining a failure the machine cannot see itself). */
  readonly recentConsole: string[] = [];
  /** Console lines seen so far (recentConsole keeps only the last of them). */
  consoleLines = 0;
  domain?: Domain;
  startedAt = 0;
  /** When the machine reached the `kernel` state (boot tests: the kernel's first console line). */
  kernelAt?: number;
  private readonly tails: FileTail[] = [];
  private readonly waiters: { states: GuestState[]; resolve: () => void; reject: (e: KilnError) => void }[] = [];
  private sampler?: NodeJS.Timeout;
  private unlisten?: () => void;
  private releaseDomain?: () => void;
  private readonly onAbort = () => this.rejectAll(interruptedError(this.input.signal.reason));
  private readonly now: () => number;
  private error?: KilnError;

  constructor(private readonly input: GuestRunInput) {
    this.machine = new GuestMachine(input.monitor);
    this.now = input.now ?? Date.now;
  }

  /** Creates the domain and starts watching it. */
  async start(): Promise<void> {
    const { input } = this;
    const streams: [Stream, string | undefined][] = [['log', input.logs.installer], ['console', input.logs.console], ['report', input.logs.report]];
    // getty's login prompt has no newline after it: the console hands it out as it stands.
    for (const [stream, path] of streams) if (path) this.tails.push(new FileTail(path, this.onLine(stream), stream === 'console' ? LOGIN_PROMPT : undefined));
    this.apply(this.machine.boot(this.now()));
    try {
      this.domain = input.startDomain ? await input.startDomain() : await input.hypervisor.createTransient(input.spec);
    } catch (error) {
      throw wrapHypervisorError(error, `cannot start the guest ${input.spec.name}`);
    }
    const domain = this.domain;
    this.startedAt = this.now();
    this.releaseDomain = input.cleanup.push(`domain ${domain.name}`, () => domain.destroy());
    for (const t of this.tails) t.start();
    // A write that failed on the host pauses the guest (ENOSPC …): fail at once, saying where.
    this.unlisten = domain.onLifecycle((e) => {
      if (e.event !== 'suspended' || e.detail !== 'ioerror' || this.error) return;
      void diskErrorOf(domain, input.spec).then((error) => {
        this.input.emit({ type: 'guest', state: 'failed', domain: input.spec.name, detail: error.message });
        this.rejectAll(error);
      });
    });
    void domain.waitForStop(input.signal).then(
      async (stop) => {
        await this.drain();
        this.feed({ kind: 'domain-stopped', at: this.now(), detail: stop.detail });
      },
      (error: unknown) => this.rejectAll(input.signal.aborted ? interruptedError(input.signal.reason) : wrapHypervisorError(error, 'lost the guest')),
    );
    this.sampler = setInterval(() => void this.sample(), input.sampleMs ?? 2_000);
    input.signal.addEventListener('abort', this.onAbort, { once: true });
    if (input.signal.aborted) this.onAbort();
  }

  feed(event: MonitorInput): void {
    this.apply(this.machine.feed(event));
  }

  /** Resolves once the guest is in one of `states`; rejects when it fails (or the run is interrupted). */
  until(states: GuestState[]): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (states.includes(this.machine.state)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ states, resolve, reject }));
  }

  /** The domain stays (a captured install's disk is kept by the caller); the run stops watching. */
  async stop(options: { destroy: boolean }): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.unlisten?.();
    this.input.signal.removeEventListener('abort', this.onAbort);
    for (const t of this.tails) t.stop();
    if (options.destroy) await this.domain?.destroy().catch(() => {});
    this.releaseDomain?.();
    await this.drain();
  }

  private drain(): Promise<void> {
    return Promise.all(this.tails.map((t) => t.drain())).then(() => undefined);
  }

  private onLine(stream: Stream) {
    return (raw: string) => {
      const line = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f]/g, '');
      // kiln's %post falls back to the console when its port is missing.
      const asReport = stream === 'report' || (stream === 'console' && line.startsWith('KILN-'));
      if (asReport) this.reportLines.push(line.trim());
      if (stream !== 'report') this.input.emit({ type: 'installer-line', stream, line });
      if (stream === 'console' && !asReport) {
        this.recentConsole.push(line);
        this.consoleLines++;
        if (this.recentConsole.length > 200) this.recentConsole.shift();
      }
      this.feed({ kind: 'line', at: this.now(), stream: asReport ? 'report' : stream, line });
    };
  }

  private async sample(): Promise<void> {
    if (this.machine.done || !this.domain) return;
    try {
      const disk = await this.domain.blockStats(this.input.activityDisk ?? 'vda');
      this.feed({ kind: 'activity', at: this.now(), diskWriteBytes: Number(disk.wrBytes), networkBytes: this.input.servedBytes?.() ?? 0 });
    } catch {
      // The domain may have just stopped; the STOPPED event decides what happens.
      this.feed({ kind: 'tick', at: this.now() });
    }
  }

  private apply(transitions: Transition[]): void {
    for (const t of transitions) {
      if (t.to === 'kernel') this.kernelAt = this.now();
      this.input.emit({ type: 'guest', state: t.to, domain: this.input.spec.name, detail: t.detail });
      if (t.to === 'failed') this.rejectAll(this.failureError());
    }
    const state = this.machine.state;
    for (const w of [...this.waiters]) {
      if (w.states.includes(state)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  private rejectAll(error: KilnError): void {
    this.error ??= error;
    for (const w of this.waiters.splice(0)) w.reject(this.error);
  }

  private failureError(): KilnError {
    const f = this.machine.failure!;
    const details = [...(f.line ? [`matched: ${f.line}`, ''] : []), `last ${f.tail.length} lines of the guest's log and console:`, ...f.tail.map((l) => `  ${l}`)];
    const logs = [this.input.logs.installer, this.input.logs.console].filter(Boolean).join(' and ');
    const code = f.reason === 'timeout' && this.input.monitor.mode === 'boot' ? 'BOOT_TIMEOUT' : FAILURE_CODES[f.reason];
    return new KilnError(code, f.message, {
      fault: f.reason === 'installer-error' ? 'user' : 'external',
      details,
      hint: this.input.hint ?? `Full logs: ${logs}.`,
    });
  }
}
