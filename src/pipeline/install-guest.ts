/**
 * Runs the install guest and watches it until it powers off or fails (see guest-run.ts): the
 * installer log, the console and kiln's report channel line by line, disk and network activity
 * for the stall watchdog, libvirt's lifecycle events for the end.
 */
import type { DomainSpec, Hypervisor } from '../../hypervisor/index.js';
import type { Emit } from '../core/events.js';
import type { CleanupStack } from '../core/cleanup.js';
import type { MonitorOptions } from './guest-machine.js';
import { GuestRun } from './guest-run.js';

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

export async function installGuest(input: InstallGuestInput): Promise<InstallGuestResult> {
  const run = new GuestRun({ ...input, monitor: { ...input.monitor, mode: 'install' }, hint: `Full logs: ${input.logs.installer} and ${input.logs.console}.` });
  await run.start();
  let poweredOff = false;
  try {
    await run.until(['powered-off']);
    poweredOff = true;
    return { reportLines: run.reportLines, startedAt: run.startedAt, stoppedAt: (input.now ?? Date.now)() };
  } finally {
    // A powered-off transient domain is gone already; anything else is destroyed now.
    await run.stop({ destroy: !poweredOff });
  }
}
