/**
 * Waits until the test key logs in over SSH (the guest is then `ready`), trying every few
 * seconds once a kernel runs. When the time is up — the test's deadline, or a bounded wait once
 * userspace is up — it says why, as precisely as the evidence allows: cloud-init never ran (so
 * nothing installed the key), the key was refused, the guest has no network, or nothing answered
 * on port 22.
 */
import { interruptedError } from '../core/errors.js';
import type { FailureReason } from '../pipeline/guest-machine.js';
import type { GuestRun } from '../pipeline/guest-run.js';
import { consoleShowsNetwork } from './boot-watch.js';
import { probe, type ProbeResult, type SshTarget } from './ssh.js';

/** Between login attempts; sooner once the console says sshd has started. */
const RETRY_MS = 2_000;
const WATCH_MS = 100;
const SSHD_STARTED = /Started .*(ssh|OpenSSH|OpenBSD Secure Shell)/i;
/**
 * cloud-init's stages run before the login prompt: once userspace is up this long with no word of
 * cloud-init on the console, it is not going to run, and nothing will install the test key.
 */
export const NO_CLOUD_INIT_S = 60;

export interface LoginWait {
  /** The test's own deadline (ms since the epoch). */
  deadlineMs: number;
  /** How long to keep trying once userspace is up (the console showed a login prompt or cloud-init). */
  afterRunningS: number;
  signal: AbortSignal;
  now?: () => number;
}

export interface LoginTimes {
  /** From the domain's start to the login. */
  ms: number;
  /** How long the attempt that logged in took: one SSH login into the guest (its own cost). */
  attemptMs: number;
}

export async function waitForLogin(run: GuestRun, target: SshTarget, o: LoginWait): Promise<LoginTimes> {
  const now = o.now ?? Date.now;
  let last: ProbeResult | undefined;
  let attemptMs = 0;
  let runningSince: number | undefined;
  let cloudInitSeen = false;
  const trying = (async () => {
    while (!run.machine.done && run.machine.state !== 'ready') {
      if (o.signal.aborted) throw interruptedError(o.signal.reason);
      if (run.machine.state === 'running') runningSince ??= now();
      cloudInitSeen ||= mentionsCloudInit(run.recentConsole);
      const upFor = runningSince === undefined ? 0 : now() - runningSince;
      const late = upFor >= (cloudInitSeen ? o.afterRunningS : Math.min(o.afterRunningS, NO_CLOUD_INIT_S)) * 1000;
      if (now() >= o.deadlineMs || late) {
        run.feed({ kind: 'fail', at: now(), ...explain(last, run, target) });
        return;
      }
      // Marked before the attempt: a "Started sshd" line that arrives while it is failing must
      // bring the next attempt forward, not be taken as already acted upon.
      const mark = run.consoleLines;
      if (run.machine.state === 'kernel' || run.machine.state === 'running') {
        const attemptStart = now();
        last = await probe(target, o.signal);
        attemptMs = now() - attemptStart;
        if (last.ok) {
          run.feed({ kind: 'ready', at: now(), detail: `logged in as ${target.user}` });
          return;
        }
        // sshd answers but refuses the key, and cloud-init is done or never ran: waiting changes nothing.
        if (last.why === 'auth' && run.machine.state === 'running' && cloudInitSettled(run.recentConsole)) {
          run.feed({ kind: 'fail', at: now(), ...explain(last, run, target) });
          return;
        }
      }
      await nextAttempt(run, mark);
    }
  })();
  await Promise.all([run.until(['ready', 'passed']), trying]);
  return { ms: now() - run.startedAt, attemptMs };
}

/** Whether a console line since `mark` (a count of console lines) says sshd started. */
function sshdStartedSince(run: Pick<GuestRun, 'recentConsole' | 'consoleLines'>, mark: number): boolean {
  const fresh = Math.min(run.consoleLines - mark, run.recentConsole.length);
  return fresh > 0 && run.recentConsole.slice(-fresh).some((l) => SSHD_STARTED.test(l));
}

/**
 * Waits RETRY_MS, or not at all once the console says sshd started after the last attempt began
 * (`mark`: the console's line count then), so the login follows sshd's start within a poll.
 */
async function nextAttempt(run: Pick<GuestRun, 'recentConsole' | 'consoleLines' | 'machine'>, mark: number): Promise<void> {
  for (let waited = 0; waited < RETRY_MS; waited += WATCH_MS) {
    if (run.machine.done || sshdStartedSince(run, mark)) return;
    await new Promise((r) => setTimeout(r, WATCH_MS));
  }
}

/** cloud-init never ran (nothing on the console mentions it), or it reported its final stage. */
export function cloudInitSettled(console: readonly string[]): boolean {
  return !mentionsCloudInit(console) || console.some((l) => /Cloud-init v\. \S+ finished/.test(l));
}

export function explain(last: ProbeResult | undefined, run: Pick<GuestRun, 'recentConsole'>, target: SshTarget): { reason: FailureReason; message: string } {
  const console = run.recentConsole;
  if (!mentionsCloudInit(console)) {
    return { reason: 'cloud-init', message: 'cloud-init never ran (it is disabled or not installed in the image), so nothing installed the test key' };
  }
  if (last && !last.ok && last.why === 'auth') {
    return { reason: 'ssh-refused', message: `SSH refused the test key for ${target.user} (${last.message}): cloud-init did not install it — no datasource found, or another default user` };
  }
  if (consoleShowsNetwork(console) === false) {
    return { reason: 'no-network', message: 'the guest booted but has no network address (see the ci-info table on the console)' };
  }
  const why = last && !last.ok ? last.message : 'no SSH attempt got an answer';
  return { reason: 'ssh-refused', message: `nothing answered SSH on the guest's port 22 (${why})` };
}

function mentionsCloudInit(console: readonly string[]): boolean {
  return console.some((l) => /cloud-init/i.test(l));
}
