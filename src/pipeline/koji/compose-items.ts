/**
 * Reads a compose `kiln drop` made as import items: one Koji build per image of the drop, named
 * as the drop names it (the image's name, its version and release: Fedora-Cloud-Base,
 * 19_Beta, 1.3), holding every arch's outputs that are in the compose (checked against the
 * compose's record), per arch the base image's buildroot, records and build logs, and the boot
 * test's logs. An image with nothing in the compose (EC2 only: its product is its AMIs; or a
 * failable one that failed) makes no build.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { KilnError } from '../../core/errors.js';
import { composeArch, composeLayout } from '../../compose/index.js';
import type { Arch } from '../../core/arch.js';
import type { ImportItem, ItemFile } from '../../providers/koji/item.js';
import { shortId, type BaseImage, type Store } from '../../store/store.js';
import { readDropRecord, type DropItemRecord } from '../drop/record.js';
import type { HostFacts } from './host-facts.js';
import { baseFiles, buildrootOf, fileOf, sourceOf } from './target-items.js';

/** kiln's record of a compose (compose/metadata/kiln.json): where the compose layout keeps it. */
export function dropRecordFile(dir: string): string {
  // The record's place does not depend on the variant.
  return composeLayout(dir, '').kilnFile;
}

export interface ComposeDirInput {
  dir: string;
  store: Store;
  host: HostFacts;
}

/** Every file under dir (recursively), for the boot tests' logs. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function baseOf(store: Store, item: DropItemRecord, dir: string): Promise<BaseImage> {
  const base = item.baseId ? await store.find(item.baseId) : undefined;
  if (!base) {
    throw new KilnError('KOJI_BASE_MISSING', `base image ${item.baseId ? shortId(item.baseId) : '(none recorded)'} of ${item.image} ${item.arch} (compose ${dir}) is not in the store ${store.dir}`, {
      hint: 'Koji records the packages and logs of the base image: give the store the drop used with --store.',
    });
  }
  return base;
}

export async function itemsFromCompose(i: ComposeDirInput): Promise<ImportItem[]> {
  const recordPath = dropRecordFile(i.dir);
  const record = await readDropRecord(recordPath);
  if (!record) throw new KilnError('KOJI_NO_OUTPUTS', `${i.dir} has no compose/metadata/kiln.json: not a compose kiln drop made`);
  const layout = composeLayout(i.dir, record.variant);
  const images = [...new Set(record.items.map((r) => r.image))];
  const items: ImportItem[] = [];
  for (const image of images) {
    const done = record.items.filter((r) => r.image === image && r.outputs.some((o) => o.path));
    if (done.length === 0) continue;
    const bases = await Promise.all(done.map((r) => baseOf(i.store, r, i.dir)));
    const files: ItemFile[] = [];
    for (const [n, r] of done.entries()) {
      const base = bases[n]!;
      for (const o of r.outputs.filter((x) => x.path)) {
        files.push({ path: join(layout.topdir, o.path!), name: o.file, kind: 'image', arch: r.arch, buildroot: base.id, size: o.size, sha256: o.sha256, extra: { target: o.target, compose_path: o.path } });
      }
      const arch = composeArch(r.arch as Arch);
      files.push(...(await baseFiles(base, arch)));
      const tests = join(layout.logsDir(r.arch as Arch, image), 'test');
      for (const path of await filesUnder(tests)) {
        const f = await fileOf(path, { name: relative(tests, path).replaceAll('/', '-'), kind: 'log', subdir: `${arch}/test`, arch: 'noarch', buildroot: base.id });
        if (f) files.push(f);
      }
    }
    const first = done[0]!;
    const recordFile = await fileOf(recordPath, { name: `kiln-${record.composeId}.json`, kind: 'record', arch: 'noarch', buildroot: bases[0]!.id });
    const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    items.push({
      nvr: { name: image, version: first.version, release: first.release },
      source: `${record.spec.file} sha256:${record.spec.sha256}; ${sourceOf(bases)}`,
      startTime: seconds(record.startedAt),
      endTime: seconds(record.updatedAt),
      buildroots: [...new Map(bases.map((b) => [b.id, buildrootOf(b, i.host)])).values()],
      files: [...files, ...(recordFile ? [recordFile] : [])],
      extra: { compose: record.composeId, label: record.label, subvariant: first.subvariant, amis: done.flatMap((r) => r.amis.map((a) => ({ arch: r.arch, ...a }))) },
    });
  }
  if (items.length === 0) throw new KilnError('KOJI_NO_OUTPUTS', `compose ${record.composeId} has no image in it to import (every item failed or is unfinished)`);
  return items;
}
