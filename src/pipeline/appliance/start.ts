/**
 * Starting an instance's persistent domain, and (with --wait, and always in an update) watching
 * it boot and running the boot test's checks on it. The console log is rotated first, so what the
 * watch reads is this boot's.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Domain, DomainSpec } from '../../../hypervisor/index.js';
import type { CleanupStack } from '../../core/cleanup.js';
import type { InstanceRecord } from '../../appliance/instance-record.js';
import { bootMonitor } from '../../testing/boot-watch.js';
import type { CheckResult } from '../../testing/checks.js';
import { checkGuest } from '../../testing/guest-checks.js';
import { firmwareOf } from '../../testing/guest-firmware.js';
import type { SshTarget } from '../../testing/ssh.js';
import { GuestRun } from '../guest-run.js';
import { wrapHypervisorError } from '../hypervisor-errors.js';
import type { JobResources } from '../resources.js';

export const KEY_FILE = 'id_ed25519';

/** How kiln logs into the instance: its own key, through the SSH port forward (user-mode networking only). */
export function sshTarget(record: InstanceRecord, dir: string): SshTarget | undefined {
  if (record.network.kind !== 'user' || !record.user) return undefined;
  return { port: record.network.sshPort, user: record.user, privateKey: join(dir, KEY_FILE), knownHosts: join(dir, 'known_hosts') };
}

export interface StartInput {
  res: JobResources;
  cleanup: CleanupStack;
  domain: Domain;
  spec: DomainSpec;
  record: InstanceRecord;
  dir: string;
  /** Watch the boot and run the checks (else: start and return). */
  wait: boolean;
  timeoutS: number;
}

export async function startInstance(i: StartInput): Promise<CheckResult[] | undefined> {
  const console = join(i.dir, 'console.log');
  await rename(console, `${console}.previous`).catch(() => {});
  await rm(join(i.dir, 'known_hosts'), { force: true });
  const start = async () => {
    try {
      await i.domain.start();
    } catch (error) {
      throw wrapHypervisorError(error, `cannot start ${i.domain.name}`);
    }
    return i.domain;
  };
  if (!i.wait) {
    await start();
    return undefined;
  }
  const kvm = i.spec.type === 'kvm';
  const run = new GuestRun({
    hypervisor: await i.res.hypervisor(),
    spec: i.spec,
    startDomain: start,
    logs: { console },
    monitor: bootMonitor({ timeoutS: i.timeoutS + 60, kernelDeadlineS: Math.min(i.timeoutS, kvm ? 60 : 180) }),
    emit: i.res.ctx.emit,
    signal: i.res.ctx.signal,
    cleanup: i.cleanup,
    hint: `The console is in ${console}.`,
  });
  let checks: CheckResult[] = [];
  try {
    await run.start();
    checks = await checkGuest({ run, target: sshTarget(i.record, i.dir), hostname: i.record.name, timeoutS: i.timeoutS, kvm, firmware: firmwareOf(i.spec.firmware), signal: i.res.ctx.signal });
  } finally {
    const passed = checks.length > 0 && checks.every((c) => c.status !== 'fail');
    run.feed(passed ? { kind: 'passed', at: Date.now() } : { kind: 'fail', at: Date.now(), reason: 'check-failed', message: 'a check failed' });
    // The instance keeps running: it is a deployment.
    await run.stop({ destroy: false });
  }
  return checks;
}
