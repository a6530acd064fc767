/** Small filesystem helpers used by cleanup code. */
import { chmod, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Removes a path recursively, first making read-only directories writable (store entries are). */
export async function rmrf(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return;
  if (info.isDirectory()) {
    await chmod(path, 0o755).catch(() => {});
    for (const name of await readdir(path).catch(() => [] as string[])) {
      const child = join(path, name);
      const childInfo = await stat(child).catch(() => undefined);
      if (childInfo?.isDirectory()) await rmrf(child);
    }
  }
  await rm(path, { recursive: true, force: true });
}
