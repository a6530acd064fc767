/**
 * The content-addressed store of base images. An entry is a directory images/<key>/ holding the
 * captured disk (read-only), record.json and the package manifests. Entries appear atomically:
 * everything is staged in tmp/ and renamed into place, so a failed build leaves no entry.
 */
import { chmod, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KilnError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic.js';
import type { BuildRecord } from './record.js';

export interface BaseImage {
  id: string;
  dir: string;
  /** Path of the captured disk (qcow2, read-only). */
  disk: string;
  record: BuildRecord;
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
      await mkdir(this.imagesDir, { recursive: true });
      await mkdir(this.tmpDir, { recursive: true });
      await mkdir(join(this.dir, 'logs'), { recursive: true });
    } catch (error) {
      throw new KilnError('STORE_UNWRITABLE', `cannot create the store at ${this.dir}`, {
        cause: error,
        fault: 'user',
        hint: 'Give a writable directory with --store.',
      });
    }
  }

  /** The entry with exactly this key, if present and complete. */
  async find(id: string): Promise<BaseImage | undefined> {
    const dir = join(this.imagesDir, id);
    let record: BuildRecord;
    try {
      record = JSON.parse(await readFile(join(dir, 'record.json'), 'utf8')) as BuildRecord;
    } catch {
      return undefined;
    }
    const disk = join(dir, record.disk.file);
    try {
      await stat(disk);
    } catch {
      return undefined;
    }
    return { id, dir, disk, record };
  }

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

  /** Looks an image up by its id or a unique prefix of it (at least 4 characters). */
  async resolve(idOrPrefix: string): Promise<BaseImage> {
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

  /** Moves a finished disk and its record into the store, atomically. */
  async commit(input: CommitInput): Promise<BaseImage> {
    const id = input.record.id;
    const existing = await this.find(id);
    if (existing) return existing;
    await this.init();
    const staging = join(this.tmpDir, `${id}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await mkdir(staging);
    try {
      const disk = join(staging, input.record.disk.file);
      await rename(input.diskFile, disk);
      await chmod(disk, 0o444);
      for (const [name, content] of Object.entries(input.files ?? {})) await writeFileAtomic(join(staging, name), content);
      await writeFileAtomic(join(staging, 'record.json'), JSON.stringify(input.record, null, 2) + '\n');
      const dir = join(this.imagesDir, id);
      await rename(staging, dir);
      return { id, dir, disk: join(dir, input.record.disk.file), record: input.record };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw new KilnError('STORE_COMMIT_FAILED', `could not add base image ${shortId(id)} to the store`, { cause: error });
    }
  }

  /** Removes an entry (its logs stay). */
  async remove(id: string): Promise<void> {
    const dir = join(this.imagesDir, id);
    await chmod(join(dir), 0o755).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

export function openStore(dir: string): Store {
  return new Store(dir);
}
