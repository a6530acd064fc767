import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { run } from '../../../src/core/run.js';
import { LinearChecksum, blockDigest } from '../../../src/providers/aws/checksum.js';
import { BlockReader, blocksToSend, isZero } from '../../../src/providers/aws/block-reader.js';
import { readSparseMap } from '../../../src/image/sparse-map.js';
import { BLOCK, MiB, independentBlockSha, makeSparseImage, tempDir } from './helpers.js';

describe('LinearChecksum', () => {
  it('is SHA-256 over the binary block digests in block-index order, whatever the arrival order', () => {
    const blocks = [Buffer.alloc(16, 1), Buffer.alloc(16, 2), Buffer.alloc(16, 3)];
    const digests = blocks.map((b) => createHash('sha256').update(b).digest());
    const expected = createHash('sha256').update(Buffer.concat(digests)).digest('base64');
    const linear = new LinearChecksum();
    linear.add(7, digests[2]!);
    linear.add(0, digests[0]!);
    linear.add(3, digests[1]!);
    expect(linear.count).toBe(3);
    expect(linear.aggregate()).toBe(expected);
  });

  it('differs when the order of the blocks differs', () => {
    const a = blockDigest(Buffer.from('a'));
    const b = blockDigest(Buffer.from('b'));
    const one = new LinearChecksum();
    one.add(0, a);
    one.add(1, b);
    const two = new LinearChecksum();
    two.add(0, b);
    two.add(1, a);
    expect(one.aggregate()).not.toBe(two.aggregate());
  });
});

describe('BlockReader on a real sparse file', () => {
  it('reads blocks whose SHA-256 matches sha256sum over dd extracts, zero-padding the tail', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      // 3 MiB + 4 KiB: the last block is short and must be padded with zeroes.
      const path = await makeSparseImage(dir, 'disk.raw', 3 * MiB + 4096, [
        { offset: BLOCK / 2, length: BLOCK },
        { offset: 3 * MiB, length: 4096 },
      ]);
      const reader = await BlockReader.open(path, 3 * MiB + 4096);
      const buffer = reader.allocate();
      try {
        for (const index of [0, 1, 6]) {
          await reader.read(index, buffer);
          const dd = await run('sh', ['-c', `dd if="$1" bs=${BLOCK} skip=${index} count=1 status=none | { cat; head -c ${BLOCK} /dev/zero; } | head -c ${BLOCK} | sha256sum`, 'sh', path], { timeoutMs: 30_000 });
          expect(createHash('sha256').update(buffer).digest('hex')).toBe(dd.stdout.split(' ')[0]);
          expect(blockDigest(buffer).toString('base64')).toBe(independentBlockSha(path, index));
        }
        expect((await reader.read(4, buffer)).zero).toBe(true);
      } finally {
        await reader.close();
      }
    } finally {
      await cleanup();
    }
  });

  it.each([
    ['unencrypted: only blocks with data', false, [1, 2, 20]],
    ['encrypted: every block', true, Array.from({ length: 32 }, (_, i) => i)],
  ])('blocksToSend, %s', async (_name, everyBlock, expected) => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = await makeSparseImage(dir, 'disk.raw', 16 * MiB, [
        { offset: BLOCK + 100, length: BLOCK },
        { offset: 10 * MiB, length: 4096 },
      ]);
      const map = await readSparseMap(path, { format: 'raw' });
      expect(blocksToSend(map, everyBlock)).toEqual(expected);
    } finally {
      await cleanup();
    }
  });
});

describe('isZero', () => {
  it.each([
    ['all zero', Buffer.alloc(BLOCK), true],
    ['last byte set', Buffer.concat([Buffer.alloc(BLOCK - 1), Buffer.from([1])]), false],
    ['first byte set', Buffer.concat([Buffer.from([1]), Buffer.alloc(BLOCK - 1)]), false],
  ])('%s', (_name, buffer, expected) => {
    expect(isZero(buffer)).toBe(expected);
  });
});
