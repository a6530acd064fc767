/**
 * A drop's install step: one base image for every item that installs the same thing (a store hit
 * when an earlier drop or build made it), its build logs copied into each item's logs/ directory.
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { scoped } from '../../core/events.js';
import { buildBaseImage } from '../install-stage.js';
import { stepResources } from '../resources.js';
import type { DropContext } from './context.js';
import type { PlannedInstall } from './plan.js';

export async function installStep(d: DropContext, install: PlannedInstall, signal: AbortSignal): Promise<void> {
  const items = d.plan.items.filter((i) => i.install === install.key);
  const emit = scoped(d.res.ctx.emit, items.map((i) => i.id).join(', '));
  await d.res.cleanup.scope(`install ${install.key}`, emit, async (cleanup) => {
    const res = stepResources(d.res, { emit, cleanup, signal });
    let logDir: string | undefined;
    try {
      const built = await buildBaseImage(install.resolved, res, { onLogDir: (dir) => (logDir = dir) });
      logDir = built.base.record.logDir;
      d.bases.set(install.key, built.base);
      for (const item of items) d.recorder.item(item.id).baseId = built.base.id;
    } finally {
      // The build's logs go with the compose, failed or not.
      if (logDir) {
        for (const item of items) {
          await cp(logDir, join(d.layout.logsDir(item.arch, item.image.name), 'install'), { recursive: true, force: true }).catch(() => {});
        }
      }
    }
  });
}
