/**
 * `kiln appliance rm NAME [--keep-data]`: the domain stopped and undefined, then the instance's
 * files removed — all of them, or all but its data disks (the record then says `removed` and
 * lists only them, so they are never files without a record; a second rm removes them). Appliance
 * versions no instance uses any more go too.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withCleanup } from '../../core/cleanup.js';
import { rmrf } from '../../core/fs.js';
import { writeRecord } from '../../appliance/instance-record.js';
import { defaultInstancesDir, withLock } from '../../appliance/instance-root.js';
import { collectVersions } from '../../appliance/versions.js';
import { wrapHypervisorError } from '../hypervisor-errors.js';
import { JobResources, type JobContext } from '../resources.js';
import { openInstance, stopDomain } from './update.js';

export interface ApplianceRemoveRequest {
  name: string;
  instancesDir?: string;
  keepData?: boolean;
}

export interface ApplianceRemoveResult {
  name: string;
  /** Data disks left in place (--keep-data). */
  keptData: string[];
  /** Appliance versions removed because no instance uses them any more. */
  removedVersions: string[];
}

export async function removeAppliance(request: ApplianceRemoveRequest, ctx: JobContext): Promise<ApplianceRemoveResult> {
  const root = request.instancesDir ?? defaultInstancesDir(ctx.storeDir);
  const { dir, record } = await openInstance(root, request.name);
  return withCleanup(ctx.emit, async (cleanup) => {
    if (record.state !== 'removed') {
      const res = new JobResources({ ...ctx, connect: ctx.connect ?? record.uri }, cleanup);
      const hv = await res.hypervisor();
      await writeRecord(dir, { ...record, state: 'removing' });
      const domain = await hv.lookupDomain({ uuid: record.domain.uuid });
      if (domain) {
        try {
          await stopDomain(domain, ctx.signal).catch(() => domain.destroy());
          await domain.undefine();
        } catch (error) {
          throw wrapHypervisorError(error, `cannot remove the domain ${record.domain.name}`);
        }
      }
    }
    const data = record.disks.filter((d) => d.use === 'data' && !d.shared);
    const keep = request.keepData === true && data.length > 0;
    await withLock(root, 'instances', async () => {
      if (!keep) return rmrf(dir);
      const kept = new Set(data.map((d) => d.file));
      for (const name of await readdir(dir)) if (name !== 'disks' && name !== 'instance.json') await rm(join(dir, name), { recursive: true, force: true });
      for (const name of await readdir(join(dir, 'disks')).catch(() => [] as string[])) if (!kept.has(`disks/${name}`)) await rm(join(dir, 'disks', name), { force: true });
      await writeRecord(dir, { ...record, state: 'removed', disks: data, spec: undefined });
    });
    const removedVersions = await collectVersions(root);
    return { name: record.name, keptData: keep ? data.map((d) => join(dir, d.file)) : [], removedVersions };
  });
}
