/** Test helpers: real sparse raw files, and an independent read of their 512 KiB blocks. */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BLOCK = 512 * 1024;
export const MiB = 1024 * 1024;

export interface Extent {
  offset: number;
  length: number;
  /** 'random' (default) or 'zero' (written zeroes: allocated, but all zero). */
  fill?: 'random' | 'zero';
}

/** Creates a sparse file of `size` bytes with data only in `extents`. */
export async function makeSparseImage(dir: string, name: string, size: number, extents: Extent[]): Promise<string> {
  const path = join(dir, name);
  const fh = await open(path, 'w');
  try {
    await fh.truncate(size);
    for (const e of extents) {
      const data = e.fill === 'zero' ? Buffer.alloc(e.length) : randomBytes(e.length);
      await fh.write(data, 0, data.length, e.offset);
    }
  } finally {
    await fh.close();
  }
  return path;
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-aws-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * SHA-256 (base64) of block `index` read with plain synchronous fs calls (not kiln's reader),
 * zero-padded to 512 KiB past the end of the file.
 */
export function independentBlockSha(path: string, index: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(BLOCK);
    readSync(fd, buf, 0, BLOCK, index * BLOCK);
    return createHash('sha256').update(buf).digest('base64');
  } finally {
    closeSync(fd);
  }
}

/** The LINEAR aggregate over the given blocks, computed independently. */
export function independentLinear(path: string, indexes: number[]): string {
  const h = createHash('sha256');
  for (const i of [...indexes].sort((a, b) => a - b)) h.update(Buffer.from(independentBlockSha(path, i), 'base64'));
  return h.digest('base64');
}
