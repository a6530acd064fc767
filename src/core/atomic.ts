/**
 * Atomic writes: data goes to a temporary name in the same directory and is renamed into place,
 * so a reader never sees a half-written file and a failure leaves nothing under the final name.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temporary sibling path for `finalPath` (same directory, so rename is atomic). */
export function tempSibling(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export async function writeFileAtomic(finalPath: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true });
  const tmp = tempSibling(finalPath);
  try {
    await writeFile(tmp, data, { mode });
    await rename(tmp, finalPath);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export async function writeJsonAtomic(finalPath: string, value: unknown): Promise<void> {
  await writeFileAtomic(finalPath, JSON.stringify(value, null, 2) + '\n');
}
