import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HashingWriter } from '../../src/image/hashing-writer.js';

describe('HashingWriter.writeFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-hashing-writer-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('returns the checksum and size of what was written, reporting progress', async () => {
    const path = join(dir, 'ok');
    const seen: number[] = [];
    const written = await HashingWriter.writeFile(
      path,
      async (w) => {
        await w.write(Buffer.from('kiln '));
        await w.writeAll(Readable.from(['writes', Buffer.from('\n')]));
      },
      (n) => seen.push(n),
    );
    const content = await readFile(path);
    expect(content.toString()).toBe('kiln writes\n');
    expect(written).toEqual({ path, sha256: createHash('sha256').update(content).digest('hex'), bytes: 12 });
    expect(seen).toEqual([5, 11, 12]);
  });

  it('throws what the filler threw, with the file closed', async () => {
    const path = join(dir, 'failed');
    let writer: HashingWriter | undefined;
    const boom = new Error('the source failed');
    await expect(
      HashingWriter.writeFile(path, async (w) => {
        writer = w;
        await w.write(Buffer.from('partial'));
        throw boom;
      }),
    ).rejects.toBe(boom);
    // Closed: its file handle takes no more writes; the partial data is left for the caller to remove.
    await expect(writer!.write(Buffer.from('more'))).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('partial');
  });
});
