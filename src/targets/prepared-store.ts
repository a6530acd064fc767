/**
 * Cloud-prepped overlays kept in the store, beside the base image they were made from
 * (`images/<id>/prepared/<key>/`): cloud prep is the slowest step of the targets (one libguestfs
 * launch: a minute and more under TCG), and its result depends only on the base and the prep
 * itself. So a second `kiln target` of the same base and prep, the other images of a drop that
 * install alike, and a drop resumed after an interrupt use the kept overlay instead of preparing
 * again. The key covers everything that makes the guest: the prep script kiln renders for the spec
 * (settings and script text), virt-sysprep's operations and whether root is locked.
 *
 * An entry is made in a scratch directory under the key's store lock and renamed into place, so
 * it is whole or absent; its overlay is read-only and its size and mtime are recorded, so a
 * changed one is not trusted (it is made again). Removing the base image removes its entries.
 */
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256 } from '../core/hash.js';
import { openStore, type BaseImage } from '../store/store.js';
import type { PrepReport } from './prep/report.js';
import { renderPrepScript } from './prep/script.js';
import type { PrepSpec } from './prep/spec.js';
import { sysprepOperations } from './prep/sysprep-operations.js';

const SCHEMA = 1;

interface EntryFile {
  schemaVersion: number;
  baseId: string;
  label: string;
  createdAt: string;
  overlay: { bytes: number; mtimeMs: number };
  report: PrepReport;
}

export interface KeptPrep {
  /** The read-only prepared overlay (its backing file is the base disk). */
  overlay: string;
  report: PrepReport;
}

/** What makes the prepared guest: the rendered script, the operations, the root lock. */
export async function preparedKey(spec: PrepSpec, signal?: AbortSignal): Promise<string> {
  const operations = await sysprepOperations(signal);
  return sha256([`schema ${SCHEMA}`, `lock-root ${spec.lockRoot}`, `operations ${operations.join(',')}`, renderPrepScript(spec)].join('\n')).slice(0, 24);
}

export function preparedDir(base: BaseImage, key: string): string {
  return join(base.dir, 'prepared', key);
}

/** The store a base image belongs to (its entry is `<store>/images/<id>`). */
function storeOf(base: BaseImage): string {
  return dirname(dirname(base.dir));
}

async function readKept(dir: string, base: BaseImage): Promise<KeptPrep | undefined> {
  const entry = await readFile(join(dir, 'entry.json'), 'utf8')
    .then((t) => JSON.parse(t) as EntryFile)
    .catch(() => undefined);
  if (!entry || entry.schemaVersion !== SCHEMA || entry.baseId !== base.id) return undefined;
  const overlay = join(dir, 'overlay.qcow2');
  const info = await stat(overlay).catch(() => undefined);
  if (!info || info.size !== entry.overlay.bytes || info.mtimeMs !== entry.overlay.mtimeMs) return undefined;
  return { overlay, report: entry.report };
}

export interface KeepOptions {
  base: BaseImage;
  spec: PrepSpec;
  signal?: AbortSignal;
  /** Told when another kiln is preparing the same overlay and this one waits for it. */
  onWait?: () => void;
  /**
   * Prepares `overlay` (a new overlay on the base, already created) and returns the prep's report;
   * throws when the prep failed (nothing is kept then).
   */
  make: (overlay: string) => Promise<PrepReport>;
  /** Makes a fresh qcow2 overlay at `path` backed by the base disk. */
  createOverlay: (path: string) => Promise<void>;
}

/** Whether this kiln may keep prepared overlays in the base image's store (a read-only store: no). */
async function canKeep(base: BaseImage): Promise<boolean> {
  try {
    await mkdir(join(base.dir, 'prepared'), { recursive: true, mode: 0o700 });
    await mkdir(join(storeOf(base), 'locks'), { recursive: true, mode: 0o700 });
    return true;
  } catch (error) {
    if (['EACCES', 'EPERM', 'EROFS'].includes((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

/**
 * The kept prepared overlay for this base and prep, made (once, by one kiln at a time) if absent;
 * undefined when the store cannot be written (the caller prepares an overlay of its own).
 */
export async function keptPrep(o: KeepOptions): Promise<{ kept: KeptPrep; made: boolean } | undefined> {
  if (!(await canKeep(o.base))) return undefined;
  const key = await preparedKey(o.spec, o.signal);
  const dir = preparedDir(o.base, key);
  const release = await openStore(storeOf(o.base)).lock(`prepared-${o.base.id.slice(0, 16)}-${key}`, {
    signal: o.signal,
    onWait: () => o.onWait?.(),
    what: `cloud prep ${o.spec.label} of ${o.base.id.slice(0, 12)}`,
  });
  try {
    const found = await readKept(dir, o.base);
    if (found) return { kept: found, made: false };
    // Whatever is there is not sound (or is a dead kiln's scratch): made again.
    const scratch = `${dir}.tmp`;
    await rm(scratch, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true, mode: 0o700 });
    try {
      const overlay = join(scratch, 'overlay.qcow2');
      await o.createOverlay(overlay);
      const report = await o.make(overlay);
      await chmod(overlay, 0o444);
      const info = await stat(overlay);
      const entry: EntryFile = { schemaVersion: SCHEMA, baseId: o.base.id, label: o.spec.label, createdAt: new Date().toISOString(), overlay: { bytes: info.size, mtimeMs: info.mtimeMs }, report };
      await writeFile(join(scratch, 'entry.json'), `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o644 });
      await rename(scratch, dir);
      return { kept: { overlay: join(dir, 'overlay.qcow2'), report }, made: true };
    } catch (error) {
      await rm(scratch, { recursive: true, force: true });
      throw error;
    }
  } finally {
    await release();
  }
}
