/** Where kiln keeps its state on the host. All overridable by flags or environment. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else ~/.cache/kiln. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KILN_CACHE_DIR) return env.KILN_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'kiln');
}

/** Default content-addressed store of base images. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KILN_STORE ?? join(cacheDir(env), 'store');
}

/** Cache of fetched install media (kernels, initrds, .treeinfo). */
export function mediaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'media');
}
