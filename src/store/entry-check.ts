/**
 * Is a store entry still what was captured? Checked whenever an entry is used: the disk must
 * exist with the size recorded; when its modification time is no longer the recorded one, its
 * SHA-256 is computed again and must match. (A disk that is written changes its mtime; chown and
 * rename — libvirt labelling a backing file — do not, so a sound entry costs one stat.)
 */
import { stat } from 'node:fs/promises';
import { sha256File } from '../core/hash.js';
import type { BuildRecord } from './record.js';

/** Undefined when sound; otherwise what is wrong, in words. */
export async function entryDamage(disk: string, record: BuildRecord): Promise<string | undefined> {
  const info = await stat(disk).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) return info.code === 'ENOENT' ? 'its disk is missing' : `its disk cannot be read (${info.code ?? info.message})`;
  const d = record.disk;
  if (d.bytes === undefined) return undefined;
  if (info.size !== d.bytes) return `its disk is ${info.size} bytes, ${d.bytes} were captured`;
  if (d.sha256 === undefined || info.mtimeMs === d.mtimeMs) return undefined;
  const now = await sha256File(disk).catch(() => undefined);
  return now === d.sha256 ? undefined : 'its disk changed since it was captured (checksum differs)';
}
