import { describe, expect, it } from 'vitest';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dataBlocks, readSparseMap, sparseMapFromEntries } from '../../src/image/sparse-map.js';

describe('sparseMapFromEntries', () => {
  it.each([
    ['all hole', [{ start: 0, length: 100, data: false, zero: true }], [], 0],
    ['data merged', [{ start: 0, length: 10, data: true, zero: false }, { start: 10, length: 5, data: true, zero: false }], [{ start: 0, length: 15 }], 15],
    ['zero data skipped', [{ start: 0, length: 10, data: true, zero: true }, { start: 10, length: 5, data: true, zero: false }], [{ start: 10, length: 5 }], 5],
  ])('%s', (_name, entries, data, bytes) => {
    const map = sparseMapFromEntries(entries);
    expect(map.data).toEqual(data);
    expect(map.dataBytes).toBe(bytes);
  });
});

describe('dataBlocks', () => {
  it('includes every block a data extent touches, once', () => {
    const map = { virtualSize: 100, dataBytes: 0, data: [{ start: 5, length: 10 }, { start: 15, length: 1 }, { start: 40, length: 20 }] };
    expect(dataBlocks(map, 10)).toEqual([0, 1, 4, 5]);
  });
});

describe('readSparseMap (real qemu-img)', () => {
  it('finds the data of a sparse raw file and nothing else', async () => {
    const path = join(tmpdir(), `kiln-sparse-${process.pid}.raw`);
    const fh = await open(path, 'w');
    try {
      await fh.truncate(64 * 1024 * 1024);
      await fh.write(randomBytes(1024 * 1024), 0, 1024 * 1024, 8 * 1024 * 1024);
      await fh.close();
      const map = await readSparseMap(path, { format: 'raw' });
      expect(map.virtualSize).toBe(64 * 1024 * 1024);
      expect(map.data).toEqual([{ start: 8 * 1024 * 1024, length: 1024 * 1024 }]);
      expect(dataBlocks(map, 512 * 1024)).toEqual([16, 17]);
    } finally {
      await rm(path, { force: true });
    }
  });
});
