/**
 * The end of a drop, whatever happened to its items: per arch the CHECKSUM file of what is in
 * the images directory (from the checksums computed while each output was written: nothing is
 * read again), clear-signed when asked; images.json and composeinfo.json (checked against
 * productmd's rules); amis.json; kiln.json. Only items that passed everything are listed.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/atomic.js';
import {
  clearsignFile,
  composeArch,
  composeChecksumFileName,
  writeChecksumFile,
  writeComposeInfo,
  writeImagesJson,
  type ComposeOutput,
} from '../../compose/index.js';
import type { Arch } from '../../core/arch.js';
import type { DropContext } from './context.js';

export interface FinalizeOptions {
  signKey?: string;
  gnupgHome?: string;
  signal?: AbortSignal;
}

export async function finalizeDrop(d: DropContext, o: FinalizeOptions): Promise<void> {
  const outputs: ComposeOutput[] = [];
  const byArch = new Map<Arch, { file: string; size: number; sha256: string }[]>();
  for (const item of d.plan.items) {
    const record = d.recorder.item(item.id);
    for (const out of record.outputs) {
      if (!out.path) continue;
      byArch.set(item.arch, [...(byArch.get(item.arch) ?? []), { file: out.file, size: out.size, sha256: out.sha256 }]);
      const mtime = Math.floor((await stat(join(d.layout.imagesDir(item.arch), out.file))).mtimeMs / 1000);
      outputs.push({ subvariant: item.image.subvariant, arch: item.arch, target: out.target, file: out.file, size: out.size, mtime, sha256: out.sha256 });
    }
  }
  for (const [arch, entries] of byArch) {
    const file = join(d.layout.imagesDir(arch), composeChecksumFileName(d.compose, arch));
    await writeChecksumFile(file, entries);
    if (o.signKey) await clearsignFile(file, { key: o.signKey, gnupgHome: o.gnupgHome, signal: o.signal });
  }
  await writeImagesJson(d.layout, d.compose, outputs);
  await writeComposeInfo(d.layout, d.compose, d.spec.arches);
  const amis = d.plan.items.flatMap((item) =>
    d.recorder.item(item.id).amis.map((a) => ({
      image: item.image.name,
      subvariant: item.image.subvariant,
      arch: composeArch(item.arch),
      version: item.version,
      release: item.release,
      name: item.stem,
      ...a,
    })),
  );
  await writeJsonAtomic(d.layout.amisFile, { composeId: d.compose.id, amis });
  await d.recorder.save();
}
