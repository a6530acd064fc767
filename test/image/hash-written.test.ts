import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256File } from '../../src/core/hash.js';
import { hashWrittenFile } from '../../src/image/hash-written.js';
import { HashingWriter } from '../../src/image/hashing-writer.js';
import { makeSparseFile, MiB } from './fixtures/sparse-file.js';

describe('checksums', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-hash-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['data at the start and the end', 20 * MiB + 123, [{ offset: 0, length: 4096 }, { offset: 20 * MiB, length: 123 }]],
    ['one extent in the middle', 33 * MiB, [{ offset: 9 * MiB, length: 5 * MiB + 7 }]],
    ['all holes', 8 * MiB, []],
  ])('hashWrittenFile of a sparse raw (%s) equals a full read', async (_name, size, extents) => {
    const path = join(dir, 'x.raw');
    await makeSparseFile(path, size, extents);
    const full = await sha256File(path);
    expect(await hashWrittenFile(path, { sparse: true })).toEqual({ sha256: full, bytes: size });
    expect((await hashWrittenFile(path)).sha256).toBe(full);
  });

  it('HashingWriter hashes what it writes, across several sources', async () => {
    const path = join(dir, 'w.bin');
    const seen: number[] = [];
    const w = await HashingWriter.create(path, (n) => seen.push(n));
    await w.write(Buffer.from('hello '));
    await w.writeAll((async function* () {
      yield Buffer.alloc(3 * MiB, 7);
      yield 'world';
    })());
    const done = await w.close();
    expect(done).toEqual({ path, sha256: await sha256File(path), bytes: 6 + 3 * MiB + 5 });
    expect(seen.at(-1)).toBe(done.bytes);
  });
});
