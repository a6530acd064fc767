/**
 * Runs the install guest and watches it until it powers off or fails: creates the transient
 * domain, follows the installer log, the console and kiln's report channel line by line, samples
 * disk and network activity for the stall watchdog, and feeds everything into GuestMachine.
 * Completion comes from libvirt's lifecycle events, never from polling the domain's state.
 */
import type { Domain, DomainSpec, Hypervisor } from '../../hypervisor/index.js';
import { KilnError, interruptedError } from '../core/errors.js';
import type { Emit } from '../core/events.js';
import type { CleanupStack } from '../core/cleanup.js';
import { FileTail } from './file-tail.js';
import { GuestMachine, type MonitorOptions, type Transition } from './guest-machine.js';
import { wrapHypervisorError } from './hypervisor-errors.js';

export interface InstallGuestInput {
  hypervisor: Hypervisor;
  spec: DomainSpec;
  logs: { console: string; installer: string; report: string };
  monitor: MonitorOptions;
  /** Bytes the build's HTTP server has sent to the guest so far. */
  servedBytes: () => number;
  emit: Emit;
  signal: AbortSignal;
  cleanup: CleanupStack;
  /** Milliseconds between activity samples. */
  sampleMs?: number;
  now?: () => number;
}

export interface InstallGuestResult {
  reportLines: string[];
  /** When the domain was created and when it stopped (ms since epoch). */
  startedAt: number;
  stoppedAt: number;
}

const DISK_TARGET = 'vda';

export async function installGuest(input: InstallGuestInput): Promise<InstallGuestResult> {
  const { emit, signal } = input;
  const now = input.now ?? Date.now;
  const machine = new GuestMachine(input.monitor);
  const reportLines: string[] = [];
  let settle!: (error?: KilnError) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });

  const apply = (transitions: Transition[]) => {
    for (const t of transitions) {
      emit({ type: 'guest', state: t.to, domain: input.spec.name, detail: t.detail });
      if (t.to === 'failed') settle(failureError(machine, input.logs));
      if (t.to === 'powered-off') settle();
    }
  };
  const onLine = (stream: 'log' | 'console' | 'report') => (raw: string) => {
    const line = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f]/g, '');
    // kiln's %post falls back to the console when its port is missing.
    const asReport = stream === 'report' || (stream === 'console' && line.startsWith('KILN-'));
    if (asReport) reportLines.push(line.trim());
    if (stream !== 'report') emit({ type: 'installer-line', stream, line });
    apply(machine.feed({ kind: 'line', at: now(), stream: asReport ? 'report' : stream, line }));
  };
  const tails = [
    new FileTail(input.logs.installer, onLine('log')),
    new FileTail(input.logs.console, onLine('console')),
    new FileTail(input.logs.report, onLine('report')),
  ];
  const drainAll = () => Promise.all(tails.map((t) => t.drain()));

  apply(machine.boot(now()));
  let domain: Domain;
  try {
    domain = await input.hypervisor.createTransient(input.spec);
  } catch (error) {
    throw wrapHypervisorError(error, `cannot start the install guest ${input.spec.name}`);
  }
  const startedAt = now();
  const releaseDomain = input.cleanup.push(`domain ${domain.name}`, () => domain.destroy());
  for (const t of tails) t.start();

  const stopped = domain.waitForStop(signal).then(
    async (stop) => {
      await drainAll();
      apply(machine.feed({ kind: 'domain-stopped', at: now(), detail: stop.detail }));
    },
    (error: unknown) => settle(signal.aborted ? interruptedError(signal.reason) : wrapHypervisorError(error, 'lost the install guest')),
  );
  const sampler = setInterval(() => void sample(), input.sampleMs ?? 2_000);
  async function sample() {
    if (machine.done) return;
    try {
      const disk = await domain.blockStats(DISK_TARGET);
      apply(machine.feed({ kind: 'activity', at: now(), diskWriteBytes: Number(disk.wrBytes), networkBytes: input.servedBytes() }));
    } catch {
      // The domain may have just stopped; the STOPPED event decides what happens.
      apply(machine.feed({ kind: 'tick', at: now() }));
    }
  }
  const onAbort = () => settle(interruptedError(signal.reason));
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();

  try {
    await finished;
    releaseDomain();
    return { reportLines, startedAt, stoppedAt: now() };
  } finally {
    clearInterval(sampler);
    signal.removeEventListener('abort', onAbort);
    for (const t of tails) t.stop();
    if (machine.state !== 'powered-off') await domain.destroy().catch(() => {});
    void stopped;
    await drainAll();
  }
}

function failureError(machine: GuestMachine, logs: InstallGuestInput['logs']): KilnError {
  const f = machine.failure!;
  const code = { 'installer-error': 'INSTALL_FAILED', stalled: 'INSTALL_STALLED', timeout: 'INSTALL_TIMEOUT', 'no-poweroff': 'INSTALL_FAILED', incomplete: 'INSTALL_INCOMPLETE' }[f.reason];
  const details = [...(f.line ? [`matched: ${f.line}`, ''] : []), `last ${f.tail.length} lines of the installer log and console:`, ...f.tail.map((l) => `  ${l}`)];
  return new KilnError(code, f.message, {
    fault: f.reason === 'installer-error' ? 'user' : 'external',
    details,
    hint: `Full logs: ${logs.installer} and ${logs.console}.`,
  });
}
