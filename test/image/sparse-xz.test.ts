import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { sha256File } from '../../src/core/hash.js';
import { HashingWriter } from '../../src/image/hashing-writer.js';
import { readSparseMap } from '../../src/image/sparse-map.js';
import { planSegments, writeSparseXz } from '../../src/image/sparse-xz.js';
import { zeroPieces, ZERO_CHUNK } from '../../src/image/xz-zero-streams.js';
import { makeSparseFile, MiB } from './fixtures/sparse-file.js';

describe('planSegments', () => {
  const map = (virtualSize: number, data: [number, number][]) => ({
    virtualSize,
    data: data.map(([start, length]) => ({ start, length })),
    dataBytes: data.reduce((n, [, l]) => n + l, 0),
  });
  it.each([
    ['all holes', map(10 * MiB, []), [['hole', 0, 10 * MiB]]],
    ['data widened to MiB boundaries', map(10 * MiB, [[MiB + 5, 10]]), [['hole', 0, MiB], ['data', MiB, MiB], ['hole', 2 * MiB, 8 * MiB]]],
    ['close extents merged, far ones not', map(100 * MiB, [[0, 4096], [3 * MiB, 4096], [50 * MiB, MiB]]), [['data', 0, 4 * MiB], ['hole', 4 * MiB, 46 * MiB], ['data', 50 * MiB, MiB], ['hole', 51 * MiB, 49 * MiB]]],
    ['an unaligned end', map(3 * MiB + 512, [[3 * MiB, 100]]), [['hole', 0, 3 * MiB], ['data', 3 * MiB, 512]]],
    ['data to the end', map(4 * MiB, [[0, 4 * MiB]]), [['data', 0, 4 * MiB]]],
  ])('%s', (_name, m, expected) => {
    expect(planSegments(m).map((s) => [s.kind, s.start, s.length])).toEqual(expected);
  });
});

describe('zeroPieces', () => {
  it.each([
    [0, []],
    [MiB, [MiB]],
    [3 * MiB + 100, [2 * MiB, MiB, 100]],
    [2 * ZERO_CHUNK + 33 * MiB, [ZERO_CHUNK, ZERO_CHUNK, 32 * MiB, MiB]],
  ])('%d bytes', (length, pieces) => {
    expect(zeroPieces(length)).toEqual(pieces);
    expect(pieces.reduce((a, b) => a + b, 0)).toBe(length);
  });
});

describe('writeSparseXz (real xz)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-sparse-xz-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes concatenated streams that decompress to the disk, reading only the data', async () => {
    const raw = join(dir, 'disk.raw');
    const size = 300 * MiB + 4096;
    await makeSparseFile(raw, size, [{ offset: 0, length: 100_000 }, { offset: 150 * MiB + 77, length: MiB }, { offset: 300 * MiB, length: 4096 }]);
    const map = await readSparseMap(raw, { format: 'raw' });
    const out = join(dir, 'disk.raw.xz');
    const writer = await HashingWriter.create(out);
    const stats = await writeSparseXz({ raw, map, writer, zeroCacheDir: join(dir, 'cache'), xz: { level: 1 } });
    const written = await writer.close();
    expect(written.sha256).toBe(await sha256File(out));
    expect(stats.bytesCompressed + stats.holeBytes).toBe(size);
    // Read: the data widened to whole MiBs, nothing of the ~296 MiB of holes.
    expect(stats.bytesCompressed).toBeLessThanOrEqual(MiB + 2 * MiB + 4096);
    await run('xz', ['-t', out], { timeoutMs: 120_000 });
    const back = join(dir, 'back.raw');
    // xz -d writes the file itself (keeping holes); a stdout pipe of 300 MiB through execa would not do.
    await copyFile(out, `${back}.xz`);
    await run('xz', ['-d', `${back}.xz`], { timeoutMs: 120_000 });
    await run('cmp', [back, raw], { timeoutMs: 120_000 });
    const { stdout } = await run('xz', ['--robot', '-l', out], { timeoutMs: 60_000 });
    expect(Number(/^totals\t(\d+)/m.exec(stdout)?.[1])).toBeGreaterThan(1);
    // The zero streams were kept for the next run.
    expect((await readdir(join(dir, 'cache'))).length).toBe(1);
  });

  // Ctrl-C kills xz while kiln is feeding it a chunk larger than the pipe holds: the feed must stop
  // and the xz's death be reported, not wait for a drain that never comes.
  it('fails (does not hang) when xz dies while being fed', async () => {
    const raw = join(dir, 'fed.raw');
    await makeSparseFile(raw, 16 * MiB, [{ offset: 0, length: 12 * MiB }]);
    const map = await readSparseMap(raw, { format: 'raw' });
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'xz'), '#!/bin/sh\nhead -c 65536 >/dev/null\nkill -INT $$\n');
    await chmod(join(bin, 'xz'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    const writer = await HashingWriter.create(join(dir, 'fed.raw.xz'));
    try {
      await expect(writeSparseXz({ raw, map, writer, zeroCacheDir: join(dir, 'cache-fed'), xz: { level: 1 } })).rejects.toMatchObject({
        code: 'COMMAND_FAILED',
        message: expect.stringMatching(/^xz .*SIGINT/),
      });
    } finally {
      process.env.PATH = path;
      await writer.abort();
    }
  });
});
