/**
 * A drop's targets step: the item's outputs from its base image, named by the compose's rules,
 * made in work/<arch>/<image>/ (a resumed drop keeps outputs whose checksum still matches). An
 * image with the ec2 target gets EC2's cloud prep for all its disks. Without boot tests the
 * outputs go into the compose at once; with them, once they passed.
 */
import { join } from 'node:path';
import { scoped } from '../../core/events.js';
import { composeArch } from '../../compose/index.js';
import { runTargets } from '../../targets/run-targets.js';
import { stepResources } from '../resources.js';
import type { DropContext } from './context.js';
import { linkIntoCompose } from './link.js';
import type { PlannedItem } from './plan.js';

export async function targetsStep(d: DropContext, item: PlannedItem, signal: AbortSignal): Promise<void> {
  const emit = scoped(d.res.ctx.emit, item.id);
  const base = d.bases.get(item.install)!;
  const outDir = join(d.layout.root, 'work', composeArch(item.arch), item.image.name);
  await d.res.cleanup.scope(`targets ${item.id}`, emit, async (cleanup) => {
    const res = stepResources(d.res, { emit, cleanup, signal });
    const level = d.settings.xzLevel;
    const made = await runTargets({
      base,
      targets: item.image.targets,
      outDir,
      stem: item.stem,
      name: item.image.name,
      version: item.version,
      release: item.release,
      prepProfile: item.image.targets.includes('ec2') ? 'ec2' : undefined,
      verifyReused: true,
      prepared: d.prepared,
      accel: (await res.accelerator()).accel,
      options: { 'raw-xz': { level }, 'raw-tar-xz': { level } },
      emit,
      signal,
      cleanup,
    });
    const record = d.recorder.item(item.id);
    const previous = new Map(record.outputs.map((o) => [o.file, o]));
    record.outputs = made.outputs.map((o) => {
      const before = previous.get(o.file);
      // A boot test that passed for these very bytes still holds.
      const test = before?.sha256 === o.sha256 ? before.test : undefined;
      return { target: o.target, file: o.file, size: o.size, sha256: o.sha256, disk: o.disk, work: join(outDir, o.file), cloudUser: o.cloudUser, ...(o.ec2 ? { bootMode: o.ec2.bootMode } : {}), ...(test ? { test } : {}) };
    });
    if (d.spec.test === 'none') await linkIntoCompose(d, item, record.outputs, signal);
    await d.recorder.save();
  });
}
