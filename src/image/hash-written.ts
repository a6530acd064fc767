/**
 * Checksums of files that qemu-img writes itself. qemu-img writes qcow2 and raw targets with
 * random access (pwrite, headers last), so they cannot be teed through a hash like kiln's streamed
 * outputs; they are hashed once right after qemu-img closes them, while their pages are still in
 * the page cache. For a sparse raw file only the data ranges are read: holes are hashed as zeroes
 * from memory.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { readSparseMap } from './sparse-map.js';

const CHUNK = 4 * 1024 * 1024;
const ZEROES = Buffer.alloc(CHUNK);

export interface HashOptions {
  /** The file is a sparse raw image: skip reading its holes. */
  sparse?: boolean;
  signal?: AbortSignal;
}

export async function hashWrittenFile(path: string, options: HashOptions = {}): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const data = options.sparse ? (await readSparseMap(path, { format: 'raw', signal: options.signal })).data : [{ start: 0, length: size }];
    const buf = Buffer.allocUnsafe(CHUNK);
    let at = 0;
    const zeroes = (n: number): void => {
      for (let left = n; left > 0; left -= CHUNK) hash.update(left >= CHUNK ? ZEROES : ZEROES.subarray(0, left));
    };
    for (const e of data) {
      zeroes(e.start - at);
      at = e.start;
      const end = e.start + e.length;
      while (at < end) {
        options.signal?.throwIfAborted();
        const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, end - at), at);
        if (bytesRead === 0) break;
        hash.update(buf.subarray(0, bytesRead));
        at += bytesRead;
      }
    }
    zeroes(size - at);
    return { sha256: hash.digest('hex'), bytes: size };
  } finally {
    await fh.close();
  }
}
