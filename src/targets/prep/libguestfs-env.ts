/**
 * The environment libguestfs tools run with. The direct backend starts QEMU itself (no libvirt
 * round trip); without working KVM it must be told to use TCG, or it aborts ("failed to set MSR").
 * Its temporary directory is inside kiln's work directory (`tmpDir`), so an interrupted prep
 * leaves nothing in /tmp that kiln's cleanup, or the next run's reclaim, does not remove. (As
 * root, libguestfs still makes its small socket directory in /tmp: it insists on a path QEMU
 * can reach, and removes it when it exits.)
 *
 * Its appliance cache is named apart (`cacheDir`, under kiln's cache directory): libguestfs keeps
 * the appliance supermin builds from the host's packages where TMPDIR points unless told
 * otherwise, so with TMPDIR in the work directory every prep would build it again (4–5 s of host
 * CPU, and its QEMU feature tests) and throw it away. Cached, it is rebuilt only when the host's
 * packages change (supermin checks).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../../core/paths.js';

export type Accel = 'kvm' | 'tcg';

export interface LibguestfsDirs {
  /** Its temporary files (and TMPDIR of the tools it runs). */
  tmpDir?: string;
  /** Where its appliance is cached (default: `libguestfs` in kiln's cache directory). */
  cacheDir?: string;
}

export function libguestfsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'libguestfs');
}

export function libguestfsEnv(accel: Accel, dirs: LibguestfsDirs = {}): Record<string, string | undefined> {
  return {
    LIBGUESTFS_BACKEND: 'direct',
    LIBGUESTFS_BACKEND_SETTINGS: accel === 'tcg' ? 'force_tcg' : undefined,
    LIBGUESTFS_CACHEDIR: dirs.cacheDir ?? libguestfsCacheDir(),
    ...(dirs.tmpDir ? { LIBGUESTFS_TMPDIR: dirs.tmpDir, TMPDIR: dirs.tmpDir } : {}),
  };
}

/** Makes the appliance cache directory (libguestfs makes only its per-user directory inside it). */
export async function ensureLibguestfsCache(dir = libguestfsCacheDir()): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
}
