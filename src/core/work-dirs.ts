/**
 * Work directories in the store's tmp/ (a build's initrd, kernel and disk; a commit's staging):
 * each holds an owner file (core/owner.ts). A build killed with SIGKILL, or a host that lost
 * power, leaves its directory behind; the next kiln run that opens the store removes those whose
 * owner is dead and says so. A directory without an owner file (an older kiln's) counts as dead
 * once it is an hour old.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { rmrf } from './fs.js';
import { isAlive, OWNER_FILE, readOwnerFile, writeOwnerFile, type Owner } from './owner.js';
import { formatBytes } from './units.js';

export interface Reclaimed {
  dir: string;
  owner?: Owner;
  bytes: number;
}

const LEGACY_AGE_MS = 3600_000;

/** Makes `dir` (mode 0700) owned by this process. */
export async function claimWorkDir(dir: string, what?: string): Promise<void> {
  await mkdir(dir, { mode: 0o700 });
  await writeOwnerFile(join(dir, OWNER_FILE), what);
}

/** Bytes allocated under `dir` (what removing it frees). */
async function allocatedBytes(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  let total = info.blocks * 512;
  if (info.isDirectory()) for (const name of await readdir(path).catch(() => [] as string[])) total += await allocatedBytes(join(path, name));
  return total;
}

/** Removes the work directories under `parent` (whose names pass `matches`) whose owner is dead. */
export async function reclaimDead(parent: string, matches: (name: string) => boolean = () => true): Promise<Reclaimed[]> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const reclaimed: Reclaimed[] = [];
  for (const name of names.filter(matches)) {
    const dir = join(parent, name);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) continue;
    const owner = await readOwnerFile(join(dir, OWNER_FILE));
    const dead = owner ? !isAlive(owner) : Date.now() - info.mtimeMs > LEGACY_AGE_MS;
    if (!dead) continue;
    const bytes = await allocatedBytes(dir);
    await rmrf(dir);
    reclaimed.push({ dir, owner, bytes });
  }
  return reclaimed;
}

/** What kiln says about a reclaimed directory (event code WORK_RECLAIMED). */
export function reclaimedText(r: Reclaimed): string {
  const who = r.owner ? `${r.owner.what ?? 'a kiln run'} (pid ${r.owner.pid}, no longer running)` : 'an older kiln run';
  return `reclaimed ${formatBytes(r.bytes)}: the work directory ${r.dir} of ${who}`;
}
