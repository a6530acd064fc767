/**
 * Checksums of an appliance's files: every type the descriptor gives (sha256, sha1, md5) computed
 * in one read, compared, and the SHA-256 kept for kiln's record of the version.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { KilnError } from '../core/errors.js';
import type { ChecksumType, StorageDisk } from './descriptor.js';

export async function hashFile(path: string, types: ChecksumType[], signal?: AbortSignal): Promise<Record<ChecksumType, string>> {
  const all = [...new Set<ChecksumType>(['sha256', ...types])];
  const hashes = all.map((t) => createHash(t));
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024, signal })) for (const h of hashes) h.update(chunk as Buffer);
  return Object.fromEntries(all.map((t, i) => [t, hashes[i]!.digest('hex')])) as Record<ChecksumType, string>;
}

/** Hashes a disk's file and compares it with the descriptor; returns its SHA-256. */
export async function verifyDisk(path: string, disk: StorageDisk, shownAs: string, signal?: AbortSignal): Promise<string> {
  const types = Object.keys(disk.checksums) as ChecksumType[];
  const got = await hashFile(path, types, signal);
  for (const type of types) {
    if (got[type] !== disk.checksums[type]) {
      throw new KilnError('APPLIANCE_CHECKSUM_MISMATCH', `${shownAs}:${disk.line}: disk '${disk.file}' has ${type} ${got[type]}, the descriptor says ${disk.checksums[type]}`, {
        fault: 'user',
        source: { file: shownAs, line: disk.line },
        hint: 'The bundle is damaged or was changed after it was made: get it again. Nothing was deployed.',
      });
    }
  }
  return got.sha256;
}
