/**
 * Putting a finished, tested output into the compose: a hard link (a copy where links are not
 * allowed) made under a temporary name and renamed, so the images directory never shows a
 * half-written file. The ec2 raw is the AMI's source, not a compose image: it stays in work/.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempSibling } from '../../core/atomic.js';
import { linkOrCopy } from '../../image/link-or-copy.js';
import type { DropContext } from './context.js';
import type { PlannedItem } from './plan.js';
import type { DropOutputRecord } from './record.js';

export function shippedInCompose(o: Pick<DropOutputRecord, 'target'>): boolean {
  return o.target !== 'ec2';
}

export async function linkIntoCompose(d: DropContext, item: PlannedItem, outputs: DropOutputRecord[], signal?: AbortSignal): Promise<void> {
  const dir = d.layout.imagesDir(item.arch);
  await mkdir(dir, { recursive: true });
  for (const o of outputs.filter(shippedInCompose)) {
    const final = join(dir, o.file);
    const tmp = tempSibling(final);
    try {
      await linkOrCopy(o.work, tmp, signal);
      await rename(tmp, final);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    o.path = d.layout.imagePath(item.arch, o.file);
  }
}
