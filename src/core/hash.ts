/** SHA-256 helpers (node:crypto; streamed, so large files are never held in memory). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string, algorithm = 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The SHA-256 that `<file>.sha256` (sha256sum's format, as kiln writes beside every output) gives
 * for file, when that checksum file names it and is not older than it; otherwise undefined, and
 * the caller hashes the file itself.
 */
export async function sha256FromSidecar(path: string): Promise<string | undefined> {
  try {
    const [file, side] = await Promise.all([stat(path), stat(`${path}.sha256`)]);
    if (side.mtimeMs < file.mtimeMs) return undefined;
    const m = /^([0-9a-f]{64}) [ *](.+)$/m.exec(await readFile(`${path}.sha256`, 'utf8'));
    return m && basename(m[2]!.trim()) === basename(path) ? m[1] : undefined;
  } catch {
    return undefined;
  }
}

/** A stable hash of a JSON-able value: object keys sorted, so key order never changes it. */
export function hashJson(value: unknown): string {
  return sha256(stableStringify(value));
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
