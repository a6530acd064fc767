/**
 * Appliance versions under the instances directory: `images/<appliance>/<key>/` holds one
 * read-only, checksum-verified copy of the files a version's instances boot from — system disks
 * (every instance's system disk is a qcow2 overlay over them), shipped data disks (copied per
 * instance), kernels. The key is the version and a digest of its system disks, so two
 * instances of one version share one copy and a changed bundle under the same version never
 * reuses the old one. A copy is made in a temporary directory and renamed into place once every
 * checksum matched: a truncated bundle, a wrong checksum or a full disk leave nothing behind.
 * Versions no instance records any more are removed (collectVersions).
 */
import { chmod, cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { hashJson, sha256File } from '../core/hash.js';
import { rmrf } from '../core/fs.js';
import type { Emit } from '../core/events.js';
import { diskFullFrom } from '../image/io-errors.js';
import { extractBundle } from './bundle.js';
import type { BootDescriptor, StorageDisk } from './descriptor.js';
import { imagesDir, versionDir, withLock } from './instance-root.js';
import { listRecords } from './instance-record.js';
import type { OpenedAppliance } from './open-bundle.js';
import { verifyDisk } from './verify.js';

export interface ApplianceVersion {
  key: string;
  dir: string;
  /** Whether this call made the copy (false: an instance of the same version had it already). */
  created: boolean;
}

/** The shipped files a boot descriptor uses. */
export function versionFiles(opened: OpenedAppliance, boot: BootDescriptor): string[] {
  const files = boot.drives.map((d) => d.disk.file).filter((f) => opened.files.has(f));
  if (boot.os.kind === 'kernel') files.push(...[boot.os.kernel, boot.os.initrd].filter((f): f is string => !!f));
  return [...new Set(files)];
}

/** The version's key when the descriptor gives the system disks' checksums (else it is known only after hashing). */
export function versionKey(opened: OpenedAppliance, boot: BootDescriptor, computed?: Map<string, string>): string | undefined {
  const d = opened.descriptor;
  const system = boot.drives.map((x) => x.disk).filter((x) => x.use === 'system');
  const sums = system.map((x) => [x.file, computed?.get(x.file) ?? x.checksums.sha256 ?? x.checksums.sha1 ?? x.checksums.md5]);
  if (sums.some(([, s]) => s === undefined)) return undefined;
  const version = [d.version, d.release].filter(Boolean).join('-') || 'unversioned';
  return `${version.replace(/[^A-Za-z0-9_.+~-]/g, '_')}-${hashJson({ boot: boot.index, arch: boot.arch, sums }).slice(0, 12)}`;
}

/** Bytes a new copy of the version takes. */
export function versionBytes(opened: OpenedAppliance, boot: BootDescriptor): number {
  return versionFiles(opened, boot).reduce((n, f) => n + (opened.files.get(f) ?? 0), 0);
}

async function copyInto(opened: OpenedAppliance, files: string[], tmp: string, signal?: AbortSignal): Promise<void> {
  if (opened.kind === 'tar') {
    const prefix = opened.memberDir ? `${opened.memberDir}/` : '';
    await extractBundle(opened.source, tmp, files.map((f) => `${prefix}${f}`), signal);
    if (opened.memberDir) {
      for (const f of files) {
        await mkdir(dirname(join(tmp, f)), { recursive: true });
        await rename(join(tmp, prefix, f), join(tmp, f));
      }
      await rm(join(tmp, opened.memberDir.split('/')[0]!), { recursive: true, force: true });
    }
    return;
  }
  for (const f of files) {
    await mkdir(dirname(join(tmp, f)), { recursive: true });
    await cp(join(opened.descriptor.dir, f), join(tmp, f)).catch((error: unknown) => {
      throw diskFullFrom(error, join(tmp, f)) ?? error;
    });
  }
}

/**
 * The verified copy of this version under `root`, made if no instance has it yet. `claim` runs
 * under the versions lock once the copy is in place: the caller records that its instance uses
 * it there, so collectVersions never sees the copy unclaimed.
 */
export async function acquireVersion(o: { root: string; opened: OpenedAppliance; boot: BootDescriptor; claim: (key: string) => Promise<void>; emit: Emit; signal?: AbortSignal }): Promise<ApplianceVersion> {
  const { opened, boot } = o;
  const name = opened.descriptor.name;
  const known = versionKey(opened, boot);
  if (known) {
    const dir = versionDir(o.root, name, known);
    const had = await withLock(o.root, 'versions', async () => {
      if (!(await exists(dir))) return false;
      await o.claim(known);
      return true;
    });
    if (had) return { key: known, dir, created: false };
  }
  const base = join(imagesDir(o.root), name);
  await mkdir(base, { recursive: true });
  const tmp = join(base, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    const files = versionFiles(opened, boot);
    o.emit({ type: 'phase', phase: 'appliance:unpack', state: 'start', detail: `${files.length} files of ${name}` });
    await copyInto(opened, files, tmp, o.signal);
    const sums = new Map<string, string>();
    const disks = new Map<string, StorageDisk>(boot.drives.map((d) => [d.disk.file, d.disk]));
    for (const f of files) {
      const disk = disks.get(f);
      sums.set(f, disk ? await verifyDisk(join(tmp, f), disk, opened.shownAs, o.signal) : await sha256File(join(tmp, f)));
    }
    o.emit({ type: 'phase', phase: 'appliance:unpack', state: 'end' });
    const key = known ?? versionKey(opened, boot, sums)!;
    const dir = versionDir(o.root, name, key);
    await writeFile(join(tmp, 'version.json'), `${JSON.stringify({ appliance: name, version: opened.descriptor.version, release: opened.descriptor.release, key, arch: boot.arch, files: Object.fromEntries(sums), verifiedAt: new Date().toISOString() }, null, 2)}\n`);
    for (const f of files) await chmod(join(tmp, f), 0o444);
    return await withLock(o.root, 'versions', async () => {
      const had = await exists(dir);
      if (had) await rmrf(tmp);
      else await rename(tmp, dir);
      await o.claim(key);
      return { key, dir, created: !had };
    });
  } catch (error) {
    await rmrf(tmp);
    throw diskFullFrom(error, tmp) ?? error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Removes every version no instance record names (and copies left by a kiln that died). Call under no lock. */
export async function collectVersions(root: string): Promise<string[]> {
  return withLock(root, 'versions', async () => {
    const used = new Set((await listRecords(root)).filter((r) => r.state !== 'removed').flatMap((r) => [`${r.appliance.name}/${r.appliance.key}`, ...(r.updatingTo ? [`${r.appliance.name}/${r.updatingTo}`] : [])]));
    const removed: string[] = [];
    for (const appliance of await readdir(imagesDir(root)).catch(() => [] as string[])) {
      const base = join(imagesDir(root), appliance);
      for (const key of await readdir(base).catch(() => [] as string[])) {
        const tmp = /^\.tmp-(\d+)-/.exec(key);
        if (tmp ? !alive(Number(tmp[1])) : !used.has(`${appliance}/${key}`)) {
          await rmrf(join(base, key));
          removed.push(`${appliance}/${key}`);
        }
      }
      if ((await readdir(base).catch(() => [])).length === 0) await rm(base, { recursive: true, force: true });
    }
    return removed;
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
