/**
 * The content-addressed store of base images. An entry is a directory images/<key>/ holding the
 * captured disk (read-only), record.json and the package manifests. Entries appear atomically:
 * everything is staged in tmp/ and renamed into place, so a failed build leaves no entry. An
 * entry is checked whenever it is used (entry-check.ts): a damaged one is reported, refused as a
 * base, and replaced by the next build of the same inputs.
 *
 * Modes: the store and tmp/ are 0711 (QEMU, which libvirt may run as its own user, must reach
 * the work directories in tmp/; nobody else may list them), images/, logs/ and locks/ 0700, the
 * store's secret 0600, each work directory 0700 (see install-work.ts for the group QEMU needs).
 */
import { chmod, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic.js';
import { rmrf } from '../core/fs.js';
import { OWNER_FILE, writeOwnerFile } from '../core/owner.js';
import { entryDamage } from './entry-check.js';
import { lockKey, type KeyLockOptions } from './key-lock.js';
import type { BuildRecord } from './record.js';
import { reclaimDead, type Reclaimed } from '../core/work-dirs.js';

export interface BaseImage {
  id: string;
  dir: string;
  /** Path of the captured disk (qcow2, read-only). */
  disk: string;
  record: BuildRecord;
  /** What is wrong with the entry (its disk missing, changed …); undefined when sound. */
  damaged?: string;
}

export interface CommitInput {
  /** The disk file to move into the store (same filesystem as the store: renamed, not copied). */
  diskFile: string;
  record: BuildRecord;
  /** Extra files written beside the record (e.g. manifest.json, icicle.xml). */
  files?: Record<string, string>;
}

const SHORT_ID = 12;
export const shortId = (id: string): string => id.slice(0, SHORT_ID);

export class Store {
  constructor(readonly dir: string) {}

  private get imagesDir(): string {
    return join(this.dir, 'images');
  }

  /** Staging area on the same filesystem as the entries (so commits are renames). */
  get tmpDir(): string {
    return join(this.dir, 'tmp');
  }

  /** Where a build keeps its logs; failed builds keep them too. */
  logDir(buildId: string): string {
    return join(this.dir, 'logs', buildId);
  }

  async init(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o711 });
      await mkdir(this.imagesDir, { recursive: true, mode: 0o700 });
      await mkdir(this.tmpDir, { recursive: true, mode: 0o711 });
      await mkdir(join(this.dir, 'logs'), { recursive: true, mode: 0o700 });
      // Earlier kiln made tmp/ 0755: nobody but kiln (and QEMU passing through) looks inside.
      await chmod(this.tmpDir, 0o711);
    } catch (error) {
      throw new KilnError('STORE_UNWRITABLE', `cannot create the store at ${this.dir}`, {
        cause: error,
        fault: 'user',
        hint: 'Give a writable directory with --store.',
      });
    }
  }

  /** Removes work directories of builds that died (SIGKILL, power loss); returns what went. */
  reclaim(): Promise<Reclaimed[]> {
    return reclaimDead(this.tmpDir);
  }

  /** Waits until no other build of `key` runs (see key-lock.ts); returns the release function. */
  lock(key: string, options: KeyLockOptions = {}): Promise<() => Promise<void>> {
    return lockKey(join(this.dir, 'locks'), key, options);
  }

  /** The entry with exactly this key, checked (`damaged` says what is wrong), if present. */
  async find(id: string): Promise<BaseImage | undefined> {
    const dir = join(this.imagesDir, id);
    let record: BuildRecord;
    try {
      record = JSON.parse(await readFile(join(dir, 'record.json'), 'utf8')) as BuildRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        // A directory without its record is a damaged entry too (one that was being removed, say).
        const present = await readdir(dir).then(() => true, () => false);
        return present ? { id, dir, disk: join(dir, 'disk.qcow2'), record: emptyRecord(id, dir), damaged: 'its record.json is missing' } : undefined;
      }
      return { id, dir, disk: join(dir, 'disk.qcow2'), record: emptyRecord(id, dir), damaged: 'its record.json cannot be read' };
    }
    const disk = join(dir, record.disk.file);
    const damaged = await entryDamage(disk, record);
    return { id, dir, disk, record, ...(damaged ? { damaged } : {}) };
  }

  /** Every entry, damaged ones included, oldest first. */
  async list(): Promise<BaseImage[]> {
    let names: string[];
    try {
      names = await readdir(this.imagesDir);
    } catch {
      return [];
    }
    const found = await Promise.all(names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => this.find(n)));
    return found.filter((b): b is BaseImage => b !== undefined).sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt));
  }

  /** Looks an entry up by its id or a unique prefix of it (at least 4 characters), damaged or not. */
  async lookup(idOrPrefix: string): Promise<BaseImage> {
    const wanted = idOrPrefix.toLowerCase();
    if (!/^[0-9a-f]{4,64}$/.test(wanted)) {
      throw new KilnError('STORE_BAD_ID', `'${idOrPrefix}' is not a base image id`, {
        usage: true,
        hint: "Ids are hexadecimal (at least 4 characters); 'kiln images' lists them.",
      });
    }
    const matches = (await this.list()).filter((b) => b.id.startsWith(wanted));
    if (matches.length === 0) {
      throw new KilnError('STORE_NOT_FOUND', `no base image ${idOrPrefix} in the store ${this.dir}`, {
        fault: 'user',
        hint: "'kiln images' lists the store; --store selects another one.",
      });
    }
    if (matches.length > 1) {
      throw new KilnError('STORE_AMBIGUOUS', `${idOrPrefix} matches ${matches.length} base images: ${matches.map((m) => shortId(m.id)).join(', ')}`, {
        usage: true,
        hint: 'Give more characters of the id.',
      });
    }
    return matches[0]!;
  }

  /** The sound entry for an id or prefix: a damaged one is refused, saying what is wrong. */
  async resolve(idOrPrefix: string): Promise<BaseImage> {
    const found = await this.lookup(idOrPrefix);
    if (found.damaged) {
      throw new KilnError('STORE_DAMAGED', `base image ${shortId(found.id)} is damaged: ${found.damaged}`, {
        fault: 'external',
        hint: `Rebuild it (the same 'kiln build' replaces it), or remove it: kiln images rm ${shortId(found.id)}.`,
      });
    }
    return found;
  }

  /** Moves a finished disk and its record into the store, atomically; a damaged entry of the key is replaced. */
  async commit(input: CommitInput): Promise<BaseImage> {
    const id = input.record.id;
    const existing = await this.find(id);
    if (existing && !existing.damaged) return existing;
    await this.init();
    const staging = join(this.tmpDir, `${id.slice(0, 16)}.commit.${process.pid}.${Date.now().toString(36)}`);
    await mkdir(staging, { mode: 0o700 });
    await writeOwnerFile(join(staging, OWNER_FILE), `commit ${shortId(id)}`);
    try {
      const disk = join(staging, input.record.disk.file);
      await rename(input.diskFile, disk);
      await chmod(disk, 0o444);
      for (const [name, content] of Object.entries(input.files ?? {})) await writeFileAtomic(join(staging, name), content);
      await writeFileAtomic(join(staging, 'record.json'), JSON.stringify(input.record, null, 2) + '\n');
      await rm(join(staging, OWNER_FILE));
      const dir = join(this.imagesDir, id);
      if (existing?.damaged) await rmrf(dir);
      await rename(staging, dir);
      return { id, dir, disk: join(dir, input.record.disk.file), record: input.record };
    } catch (error) {
      await rmrf(staging);
      throw new KilnError('STORE_COMMIT_FAILED', `could not add base image ${shortId(id)} to the store`, { cause: error });
    }
  }

  /** Removes an entry and, with `logs`, the logs of the build that made it. */
  async remove(id: string, options: { logs?: boolean } = {}): Promise<void> {
    const dir = join(this.imagesDir, id);
    const record = await readFile(join(dir, 'record.json'), 'utf8').then((t) => JSON.parse(t) as BuildRecord).catch(() => undefined);
    await rmrf(dir);
    if (options.logs && record?.logDir?.startsWith(join(this.dir, 'logs'))) await rmrf(record.logDir);
  }
}

function emptyRecord(id: string, dir: string): BuildRecord {
  return {
    id, name: '?', arch: 'x86_64', createdAt: '', kilnVersion: '', inputs: [], accelerator: 'tcg', timings: [], packages: [],
    disk: { file: 'disk.qcow2', format: 'qcow2', virtualSize: 0, actualSize: 0 }, installer: { driver: '', tree: '' }, logDir: dir,
  };
}

export function openStore(dir: string): Store {
  return new Store(dir);
}
