/**
 * A drop's boot test step: each distinct disk among the item's outputs is booted once (EC2 disks
 * the EC2 way, the rest from a NoCloud seed, an appliance from its descriptor) and the outputs
 * holding the same disk — one base, one cloud prep, converted or bundled — share its result. Outputs whose disk passed go into the compose; a
 * failure fails the item (its outputs are neither checksummed nor published). Results for the
 * same bytes are kept across a resumed drop.
 */
import { join } from 'node:path';
import { KilnError } from '../../core/errors.js';
import { scoped } from '../../core/events.js';
import { bootTest } from '../../testing/boot-test.js';
import { stepResources } from '../resources.js';
import type { DropContext } from './context.js';
import { linkIntoCompose } from './link.js';
import type { PlannedItem } from './plan.js';
import type { DropOutputRecord } from './record.js';

/** Which output of a disk to boot: the one closest to what a cloud boots. */
const BOOT_ORDER = ['ec2', 'openstack', 'raw-xz', 'raw-tar-xz', 'appliance'] as const;

export async function testStep(d: DropContext, item: PlannedItem, signal: AbortSignal): Promise<void> {
  const emit = scoped(d.res.ctx.emit, item.id);
  const record = d.recorder.item(item.id);
  const groups = new Map<string, DropOutputRecord[]>();
  for (const o of record.outputs) {
    groups.set(o.disk ?? o.file, [...(groups.get(o.disk ?? o.file) ?? []), o]);
  }
  const failed: string[] = [];
  await d.res.cleanup.scope(`boot tests ${item.id}`, emit, async (cleanup) => {
    const res = stepResources(d.res, { emit, cleanup, signal });
    for (const outputs of groups.values()) {
      const booted = BOOT_ORDER.map((t) => outputs.find((o) => o.target === t)).find((o) => o !== undefined)!;
      if (booted.test !== 'passed') {
        const report = await bootTest({
          image: booted.work,
          hints: { arch: item.arch, user: booted.cloudUser, target: booted.target },
          as: booted.target === 'ec2' ? 'ec2' : 'nocloud',
          timeoutS: d.settings.test.timeoutS,
          memoryMiB: d.settings.test.memoryMiB,
          vcpus: 2,
          reportDir: join(d.layout.logsDir(item.arch, item.image.name), 'test', booted.file),
          keepOnFailure: false,
          hypervisor: res.hypervisor,
          domainType: async () => (await res.accelerator()).domainType,
          emit,
          signal,
          cleanup,
        });
        booted.test = report.passed ? 'passed' : 'failed';
        if (!report.passed) failed.push(`${booted.file}: ${report.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
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
