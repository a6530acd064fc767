/**
 * A drop's boot test step: each distinct disk among the item's outputs is booted once (EC2 disks
 * the EC2 way, the rest from a NoCloud seed) and the outputs holding the same disk — one base, one
 * cloud prep, converted — share its result, across the drop's images too; an appliance always
 * boots from its own descriptor. Outputs whose disk passed go into the compose; a
 * failure fails the item (its outputs are neither checksummed nor published). Results for the
 * same bytes are kept across a resumed drop.
 */
import { join } from 'node:path';
import { KilnError } from '../../core/errors.js';
import { scoped } from '../../core/events.js';
import { bootTest } from '../../testing/boot-test.js';
import { stepResources, type JobResources } from '../resources.js';
import type { CleanupStack } from '../../core/cleanup.js';
import type { Emit } from '../../core/events.js';
import type { DropContext } from './context.js';
import { linkIntoCompose } from './link.js';
import type { PlannedItem } from './plan.js';
import type { DropOutputRecord } from './record.js';

/**
 * A boot test guest's vCPUs: 2 with KVM; 1 under TCG, where a drop's guests (up to --jobs at once)
 * share the host's cores: a 2-vCPU TCG guest whose other vCPU thread is descheduled spins waiting
 * for it (spinlocks, TLB shootdowns): a boot measured at 96 CPU-seconds alone took 170–330 beside
 * other guests. One vCPU costs a little more alone (108) and has no vCPU of its own to wait for.
 */
export function testGuestVcpus(accel: 'kvm' | 'tcg'): number {
  return accel === 'tcg' ? 1 : 2;
}

/** Which output of a disk to boot: the one closest to what a cloud boots. */
const BOOT_ORDER = ['ec2', 'openstack', 'raw-xz', 'raw-tar-xz', 'appliance'] as const;

/** Boots one output (as kiln test does); returns what failed, or undefined when it passed. */
async function bootOnce(
  d: DropContext,
  item: PlannedItem,
  booted: DropOutputRecord,
  o: { emit: Emit; signal: AbortSignal; cleanup: CleanupStack; res: JobResources },
): Promise<string | undefined> {
  const report = await bootTest({
    image: booted.work,
    hints: { arch: item.arch, user: booted.cloudUser, target: booted.target },
    as: booted.target === 'ec2' ? 'ec2' : 'nocloud',
    timeoutS: d.settings.test.timeoutS,
    memoryMiB: d.settings.test.memoryMiB,
    vcpus: testGuestVcpus((await o.res.accelerator()).accel),
    reportDir: join(d.layout.logsDir(item.arch, item.image.name), 'test', booted.file),
    keepOnFailure: false,
    hypervisor: o.res.hypervisor,
    domainType: async () => (await o.res.accelerator()).domainType,
    emit: o.emit,
    signal: o.signal,
    cleanup: o.cleanup,
  });
  booted.test = report.passed ? 'passed' : 'failed';
  return report.passed ? undefined : `${booted.file}: ${report.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.detail}`).join('; ')}`;
}

export async function testStep(d: DropContext, item: PlannedItem, signal: AbortSignal): Promise<void> {
  const emit = scoped(d.res.ctx.emit, item.id);
  const record = d.recorder.item(item.id);
  const groups = new Map<string, DropOutputRecord[]>();
  for (const o of record.outputs) {
    // An appliance boots from its own descriptor (its data and scratch disks attached): never shared.
    const key = o.target === 'appliance' || !o.disk ? `file:${o.file}` : o.disk;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const failed: string[] = [];
  await d.res.cleanup.scope(`boot tests ${item.id}`, emit, async (cleanup) => {
    const res = stepResources(d.res, { emit, cleanup, signal });
    for (const [disk, outputs] of groups) {
      const booted = BOOT_ORDER.map((t) => outputs.find((o) => o.target === t)).find((o) => o !== undefined)!;
      // Another item holds the same disk (same install, same prep): its boot test stands for this one.
      const elsewhere = booted.test === 'passed' ? undefined : d.diskTests.get(disk);
      if (elsewhere) {
        const other = await elsewhere;
        for (const o of outputs) o.test = other.passed ? `same disk as ${other.file}` : 'failed';
        if (!other.passed) failed.push(`${booted.file}: the same disk failed its boot test as ${other.file}`);
        continue;
      }
      let settle!: (r: { file: string; passed: boolean }) => void;
      d.diskTests.set(disk, new Promise((r) => (settle = r)));
      // Whatever happens here (a failure, an interrupt), items waiting on this disk learn of it.
      try {
        if (booted.test !== 'passed') {
          const why = await bootOnce(d, item, booted, { emit, signal, cleanup, res });
          if (why) failed.push(why);
        }
      } finally {
        settle({ file: booted.file, passed: booted.test === 'passed' });
      }
      for (const o of outputs) if (o !== booted) o.test = booted.test === 'passed' ? `same disk as ${booted.file}` : 'failed';
    }
    await d.recorder.save();
  });
  if (failed.length) {
    throw new KilnError('TEST_FAILED', `${item.id}: the boot test failed`, { fault: 'external', details: failed, hint: `Console and cloud-init logs: ${join(d.layout.logsDir(item.arch, item.image.name), 'test')}` });
  }
  const tested = record.outputs.filter((o) => o.test && o.test !== 'failed');
  await linkIntoCompose(d, item, tested, signal);
  await d.recorder.save();
}
