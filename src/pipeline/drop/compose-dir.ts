/**
 * Which compose directory a drop writes: the newest unfinished compose in the output directory
 * made from the same spec, type and label (a re-run after an interrupt or a failure resumes it),
 * else a new one for today with the first free respin. An unfinished compose of the same type and
 * label made from a different spec is never mixed with this one: the drop refuses.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../../core/errors.js';
import { composeLayout, composeShort, nextFreeRespin, parseComposeId, readComposeStatus, reserveComposeDir, type ComposeType, type DropSpec } from '../../compose/index.js';
import { readDropRecord, type DropRecord } from './record.js';

export interface ComposeChoice {
  dir?: string;
  respin: number;
  date: string;
  record?: DropRecord;
}

async function unfinished(outDir: string, spec: DropSpec, type: ComposeType, label: string | undefined): Promise<{ dir: string; record: DropRecord }[]> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  const found: { dir: string; record: DropRecord }[] = [];
  for (const name of names) {
    const parts = parseComposeId(name);
    if (!parts || parts.short !== composeShort(spec.release, spec.variant) || parts.version !== spec.release.version || parts.type !== type) continue;
    const dir = join(outDir, name);
    const record = await readDropRecord(composeLayout(dir, spec.variant).kilnFile);
    if (!record || record.label !== label) continue;
    const status = await readComposeStatus(composeLayout(dir, spec.variant));
    if (status === 'FINISHED') continue;
    found.push({ dir, record });
  }
  return found.sort((a, b) => a.record.startedAt.localeCompare(b.record.startedAt));
}

/** The compose to resume, or where a new one would go (not created yet: see reserve()). */
export async function chooseCompose(outDir: string, spec: DropSpec, type: ComposeType, label: string | undefined, date: string): Promise<ComposeChoice> {
  const open = await unfinished(outDir, spec, type, label);
  const newest = open.at(-1);
  if (newest) {
    if (newest.record.spec.sha256 !== spec.sha256) {
      throw new KilnError('DROP_OTHER_SPEC', `${newest.dir} is an unfinished ${type} compose${label ? ` for ${label}` : ''} made from another spec (${newest.record.spec.file})`, {
        usage: true,
        fault: 'user',
        hint: 'Finish it with its own spec, or remove it; kiln never mixes the outputs of two specs in one compose.',
      });
    }
    const parts = parseComposeId(newest.record.composeId)!;
    return { dir: newest.dir, respin: parts.respin, date: parts.date, record: newest.record };
  }
  const day = { short: composeShort(spec.release, spec.variant), version: spec.release.version, releaseType: spec.release.type, date, type };
  return { respin: await nextFreeRespin(outDir, day), date };
}

/** Creates the new compose's directory (the respin may move on if another drop took it meanwhile). */
export async function reserve(outDir: string, spec: DropSpec, type: ComposeType, choice: ComposeChoice): Promise<{ dir: string; respin: number }> {
  const day = { short: composeShort(spec.release, spec.variant), version: spec.release.version, releaseType: spec.release.type, date: choice.date, type };
  const r = await reserveComposeDir(outDir, day, choice.respin);
  return { dir: r.dir, respin: r.respin };
}
