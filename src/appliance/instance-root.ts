/**
 * The per-user directory of deployed instances (default: `instances` beside the base image
 * store): one directory per instance, and `images/<appliance>/<version key>/` holding the
 * read-only, checksum-verified files of each appliance version some instance runs. Changes to
 * the set of instances and versions happen under a lock (proper-lockfile), so two `kiln
 * appliance run` at once never take the same name and a version is never removed while an
 * instance is being made from it.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { KilnError, usageError } from '../core/errors.js';

export function defaultInstancesDir(storeDir: string): string {
  return join(dirname(storeDir), 'instances');
}

export function instanceDir(root: string, name: string): string {
  return join(root, name);
}

export function imagesDir(root: string): string {
  return join(root, 'images');
}

export function versionDir(root: string, appliance: string, key: string): string {
  return join(imagesDir(root), appliance, key);
}

/** libvirt domain names kiln accepts (and directory names): no dot first, not `images`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,62}$/;

export function checkInstanceName(name: string): string {
  if (!NAME.test(name) || name === 'images') {
    throw usageError(`invalid instance name '${name}'`, 'Use 1-63 letters, digits and _ . + - (starting with a letter or digit; not "images").');
  }
  return name;
}

/**
 * Runs `body` holding `key`'s lock under `root` (another kiln waits for it, up to ~10 minutes:
 * long enough for a version being unpacked). A lock whose holder died goes stale after 30 s.
 * Each key is its own locked path: proper-lockfile keeps one record per locked path in the
 * process, so two keys held at once (the instances lock around a version claim) must not share
 * one, or releasing the inner lock loses the outer one.
 */
export async function withLock<T>(root: string, key: string, body: () => Promise<T>): Promise<T> {
  await mkdir(root, { recursive: true });
  const lockPath = join(root, `.${key}.lock`);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(join(root, `.${key}`), { lockfilePath: lockPath, stale: 30_000, update: 10_000, retries: { retries: 600, factor: 1, minTimeout: 1000, maxTimeout: 1000 }, realpath: false });
  } catch (error) {
    throw new KilnError('APPLIANCE_LOCKED', `another kiln holds ${lockPath} for too long`, { cause: error, fault: 'external', hint: 'Wait for the other kiln appliance command to finish.' });
  }
  try {
    return await body();
  } finally {
    await release().catch(() => {});
  }
}
