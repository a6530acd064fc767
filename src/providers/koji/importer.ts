/**
 * Content-generator import of one item: check the files, build and validate the metadata, find
 * an existing build (a re-run of the same import does nothing), reserve the NVR (CGInitBuild),
 * upload every file (resumable), CGImport with the reservation token, and tag when asked. If
 * anything fails after the reservation, the reservation is given back (CGRefundBuild: the build
 * is marked failed, or canceled on an interrupt) so no half-imported build is left and the NVR
 * can be used again.
 */
import { randomBytes } from 'node:crypto';
import { KilnError, isKilnError } from '../../core/errors.js';
import { info, warn, type Emit } from '../../core/events.js';
import { hashJson } from '../../core/hash.js';
import { phase } from '../../core/phase.js';
import { BUILD_STATE, getArchiveType, getBuild, listArchives, type KojiBuild } from './calls.js';
import { checkExisting, stateName } from './existing.js';
import { nvrString, type ImportItem } from './item.js';
import { cgMetadata, type CgMetadata } from './metadata.js';
import type { KojiSession } from './session.js';
import { tagBuild, type TagResult } from './tag.js';
import { uploadToHub } from './upload.js';
import { assertValidMetadata } from './validate.js';
import { verifyItemFiles } from './verify-files.js';

export interface ImportOptions {
  session: KojiSession;
  /** Content generator name (granted to the session's user on the hub). */
  cg: string;
  tag?: string;
  chunkSize?: number;
  emit: Emit;
  signal?: AbortSignal;
}

export interface ImportResult {
  nvr: string;
  buildId: number;
  /** false: the same build was already in Koji and nothing was sent. */
  imported: boolean;
  files: { name: string; kind: string; size: number; sha256: string }[];
  tag?: TagResult;
}

async function checkArchiveTypes(item: ImportItem, o: ImportOptions): Promise<void> {
  const unknown: string[] = [];
  for (const f of item.files.filter((x) => x.kind !== 'log')) {
    if (!(await getArchiveType(o.session, f.name, { signal: o.signal }))) unknown.push(f.name);
  }
  if (unknown.length > 0) {
    throw new KilnError('KOJI_ARCHIVE_TYPE_UNKNOWN', `the hub knows no archive type for ${unknown.join(', ')}`, {
      fault: 'external',
      details: unknown,
      hint: "Koji types archives by file extension; a Koji admin can add one with 'koji add-archivetype'.",
    });
  }
}

/** Uploads every output into `dir`; a directory holding other bytes under a name gets a fresh suffix once. */
async function uploadAll(item: ImportItem, md: CgMetadata, dir: string, o: ImportOptions): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const target = attempt === 0 ? dir : `${dir}-${randomBytes(4).toString('hex')}`;
    try {
      for (const [i, f] of item.files.entries()) {
        const out = md.output[i]!;
        await uploadToHub({
          session: o.session,
          file: f.path,
          dir: out.relpath ? `${target}/${out.relpath}` : target,
          name: out.filename,
          size: f.size,
          sha256: f.sha256,
          chunkSize: o.chunkSize,
          emit: o.emit,
          signal: o.signal,
        });
      }
      return target;
    } catch (error) {
      if (attempt > 0 || !isKilnError(error) || error.code !== 'KOJI_UPLOAD_CONFLICT') throw error;
      warn(o.emit, `${error.message}; uploading into a new directory`);
    }
  }
}

async function refund(o: ImportOptions, reservation: { build_id: number; token: string }, interrupted: boolean): Promise<void> {
  // The import's own signal may have fired: the refund gets its own short deadline instead.
  const state = interrupted ? BUILD_STATE.CANCELED : BUILD_STATE.FAILED;
  try {
    await o.session.call('CGRefundBuild', [o.cg, reservation.build_id, reservation.token, state], undefined, { timeoutMs: 30_000 });
    info(o.emit, `gave back the reservation of build ${reservation.build_id} (marked ${stateName(state).toLowerCase()})`);
  } catch (error) {
    warn(o.emit, `could not give back the reservation of build ${reservation.build_id}: ${(error as Error).message}`, 'KOJI_REFUND_FAILED');
  }
}

function resultFiles(item: ImportItem): ImportResult['files'] {
  return item.files.map((f) => ({ name: f.subdir ? `${f.subdir}/${f.name}` : f.name, kind: f.kind, size: f.size, sha256: f.sha256 }));
}

export async function importItem(item: ImportItem, o: ImportOptions): Promise<ImportResult> {
  const nvr = nvrString(item.nvr);
  // Checked before anything else: a problem in the metadata or a changed file sends nothing.
  assertValidMetadata(cgMetadata(item, { cg: o.cg, buildId: 0 }));
  await phase('verify', o.emit, () => verifyItemFiles(item, o.emit, o.signal), { detail: nvr });

  const existing: KojiBuild | null = await getBuild(o.session, nvr, { signal: o.signal });
  let buildId: number;
  let imported = false;
  if (existing && existing.state === BUILD_STATE.COMPLETE) {
    checkExisting(item, nvr, existing, await listArchives(o.session, existing.id, { signal: o.signal }));
    info(o.emit, `${nvr} is already in Koji with the same files (build ${existing.id}): nothing to import`);
    buildId = existing.id;
  } else {
    if (existing) checkExisting(item, nvr, existing, []);
    await checkArchiveTypes(item, o);
    const reservation = await o.session.call<{ build_id: number; token: string }>('CGInitBuild', [o.cg, { ...item.nvr }], undefined, { signal: o.signal });
    try {
      const md = cgMetadata(item, { cg: o.cg, buildId: reservation.build_id });
      assertValidMetadata(md);
      // The same files go to the same directory, so a run that died mid-upload is resumed.
      const dir = `kiln-cg/${nvr}/${hashJson(item.files.map((f) => [f.subdir ?? '', f.name, f.sha256])).slice(0, 16)}`;
      const uploaded = await phase('upload', o.emit, () => uploadAll(item, md, dir, o), { detail: nvr });
      // The metadata goes inline as JSON text (the hub keeps it as the build's metadata.json).
      const build = await phase('import', o.emit, () => o.session.call<KojiBuild>('CGImport', [JSON.stringify(md), uploaded], { token: reservation.token }, { signal: o.signal }), { detail: nvr });
      buildId = build.id;
      imported = true;
    } catch (error) {
      await refund(o, reservation, Boolean(o.signal?.aborted) || (isKilnError(error) && error.code === 'INTERRUPTED'));
      throw error;
    }
  }
  const tag = o.tag ? await phase('tag', o.emit, () => tagBuild(o.session, o.tag!, buildId, nvr, { emit: o.emit, signal: o.signal }), { detail: o.tag }) : undefined;
  return { nvr, buildId, imported, files: resultFiles(item), ...(tag ? { tag } : {}) };
}
