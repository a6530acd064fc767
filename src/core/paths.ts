/** Where kiln keeps its state on the host. All overridable by flags or environment. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else ~/.cache/kiln. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KILN_CACHE_DIR) return env.KILN_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'kiln');
}

/**
 * Where root's store lives by default. Not under /root: QEMU, which libvirt's system daemon runs
 * as its own user, must pass every directory above a build's work directory, and /root is 0700.
 * Base images are data to keep, not a cache, hence /var/lib (scripts/setup-host.sh creates it).
 */
export const ROOT_STORE_DIR = '/var/lib/kiln/store';

/** Default content-addressed store of base images: $KILN_STORE, else /var/lib/kiln/store as root, else <cache>/store. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KILN_STORE ?? (process.getuid?.() === 0 ? ROOT_STORE_DIR : join(cacheDir(env), 'store'));
}

/** Cache of fetched install media (kernels, initrds, .treeinfo). */
export function mediaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'media');
}
