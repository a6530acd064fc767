/**
 * The boot test's checks on a guest kiln did not start as a test: a deployed appliance instance,
 * right after `kiln appliance run --wait` or `update` started it. The guest is watched by a
 * GuestRun (console milestones and failure patterns); with an SSH key and user it is logged into
 * and judged as a boot test judges (cloud-init done, NoCloud datasource, host name from the seed,
 * machine-id and host keys made on this boot); without, reaching a login prompt is the check.
 */
import { isKilnError, toKilnError } from '../core/errors.js';
import type { Firmware } from '../image/boot-firmware.js';
import type { GuestRun } from '../pipeline/guest-run.js';
import { failedChecks } from './boot-test.js';
import { judge, type CheckResult } from './checks.js';
import { GUEST_FACTS_SCRIPT, parseFacts } from './guest-facts.js';
import { waitForLogin } from './login.js';
import { sshExec, type SshTarget } from './ssh.js';

export interface GuestChecksInput {
  /** Started already. */
  run: GuestRun;
  target?: SshTarget;
  /** The host name the NoCloud seed gave the guest. */
  hostname: string;
  timeoutS: number;
  kvm: boolean;
  /** The firmware the guest was started under: the guest must say it booted under it. */
  firmware: Firmware;
  signal: AbortSignal;
}

/** The checks whose failure means the instance does not work (an update rolls back on them). */
export const VITAL_CHECKS = /^(boot|ssh login|cloud-init$|datasource|hostname)/;

export async function checkGuest(i: GuestChecksInput): Promise<CheckResult[]> {
  const { run } = i;
  const bootCheck = `boot (${i.firmware})`;
  const checks: CheckResult[] = [];
  try {
    if (!i.target) {
      await run.until(['running']);
      checks.push({ name: bootCheck, status: 'pass', detail: 'firmware → boot loader → kernel → a login prompt on the console' });
    } else {
      const { ms: loginMs } = await waitForLogin(run, i.target, { deadlineMs: run.startedAt + i.timeoutS * 1000, afterRunningS: i.kvm ? 120 : 300, signal: i.signal });
      checks.push({ name: bootCheck, status: 'pass', detail: 'firmware → boot loader → kernel → userspace' });
      checks.push({ name: `ssh login as ${i.target.user}`, status: 'pass', detail: `${(loginMs / 1000).toFixed(1)} s after start, with the instance's key from its NoCloud seed` });
      const facts = parseFacts((await sshExec(i.target, 'sh -s', { timeoutMs: i.timeoutS * 1000, signal: i.signal, input: GUEST_FACTS_SCRIPT })).stdout);
      if (!facts.complete) checks.push({ name: 'guest facts', status: 'fail', detail: 'the fact script did not finish' });
      checks.push(...judge(facts, { datasource: 'NoCloud', hostname: i.hostname, growBytes: 0, rootLocked: false, firmware: i.firmware }));
    }
  } catch (error) {
    if (!isKilnError(error) || error.code === 'INTERRUPTED') throw error;
    const e = toKilnError(error);
    return failedChecks(run, i.target?.user ?? '?', bootCheck, e.code, e.message, checks);
  }
  return checks;
}

export function vitalFailures(checks: CheckResult[]): CheckResult[] {
  return checks.filter((c) => c.status === 'fail' && (VITAL_CHECKS.test(c.name) || c.name === 'checks'));
}
