import { describe, expect, it } from 'vitest';
import { readSparseMap } from '../../../src/image/sparse-map.js';
import { BlockReader, blocksToSend } from '../../../src/providers/aws/block-reader.js';
import { uploadBlocks, type PutBlock } from '../../../src/providers/aws/block-uploader.js';
import { collect } from '../../../src/core/events.js';
import { BLOCK, MiB, independentBlockSha, independentLinear, makeSparseImage, tempDir } from './helpers.js';

const retry = { attempts: 5, baseMs: 1, maxMs: 5, timeoutMs: 200 };

async function withImage<T>(body: (path: string, size: number) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tempDir();
  try {
    const size = 64 * MiB;
    // Data: blocks 2–5 (2 MiB random), block 40 partly, block 90 allocated but all zeroes.
    const path = await makeSparseImage(dir, 'disk.raw', size, [
      { offset: 1 * MiB, length: 2 * MiB },
      { offset: 20 * MiB + 8192, length: 4096 },
      { offset: 45 * MiB, length: BLOCK, fill: 'zero' },
    ]);
    return await body(path, size);
  } finally {
    await cleanup();
  }
}

/** A `put` that records what it was sent, hashing the data at call time (the buffer is reused). */
function recorder() {
  const sent = new Map<number, { checksum: string; length: number }>();
  const put: PutBlock = async (index, data, checksum) => {
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(data).digest('base64')).toBe(checksum);
    sent.set(index, { checksum, length: data.length });
  };
  return { sent, put };
}

describe('uploadBlocks on a real sparse file', () => {
  it('sends only blocks holding non-zero data, with checksums equal to an independent SHA-256 of those blocks', async () => {
    await withImage(async (path, size) => {
      const map = await readSparseMap(path, { format: 'raw' });
      const reader = await BlockReader.open(path, size);
      const { sent, put } = recorder();
      const { emit, events } = collect();
      try {
        const result = await uploadBlocks({ reader, blocks: blocksToSend(map, false), put, workers: 8, skipZeroBlocks: true, retry, emit });
        expect([...sent.keys()].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 40]);
        for (const [index, { checksum, length }] of sent) {
          expect(length).toBe(BLOCK);
          expect(checksum).toBe(independentBlockSha(path, index));
        }
        expect(result.blocksSent).toBe(5);
        expect(result.bytesSent).toBe(5 * BLOCK);
        expect(result.zeroBlocksSkipped).toBe(1);
        expect(result.checksum.aggregate()).toBe(independentLinear(path, [2, 3, 4, 5, 40]));
        const last = events.filter((e) => e.type === 'progress').at(-1);
        expect(last).toMatchObject({ type: 'progress', unit: 'bytes', done: 6 * BLOCK, total: 6 * BLOCK });
      } finally {
        await reader.close();
      }
    });
  });

  it('sends every block, holes as zero blocks, when the snapshot is encrypted', async () => {
    await withImage(async (path, size) => {
      const map = await readSparseMap(path, { format: 'raw' });
      const reader = await BlockReader.open(path, size);
      const { sent, put } = recorder();
      try {
        const result = await uploadBlocks({ reader, blocks: blocksToSend(map, true), put, workers: 16, skipZeroBlocks: false, retry });
        expect(sent.size).toBe(size / BLOCK);
        expect(sent.get(10)!.checksum).toBe(independentBlockSha(path, 10));
        expect(result.checksum.aggregate()).toBe(independentLinear(path, Array.from({ length: size / BLOCK }, (_, i) => i)));
      } finally {
        await reader.close();
      }
    });
  });

  it('never has more requests in flight than workers, and uses one buffer per worker', async () => {
    await withImage(async (path, size) => {
      const map = await readSparseMap(path, { format: 'raw' });
      const reader = await BlockReader.open(path, size);
      let allocations = 0;
      const allocate = reader.allocate.bind(reader);
      reader.allocate = () => {
        allocations++;
        return allocate();
      };
      let inFlight = 0;
      let most = 0;
      const put: PutBlock = async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
      };
      try {
        await uploadBlocks({ reader, blocks: blocksToSend(map, true), put, workers: 3, skipZeroBlocks: false, retry });
        expect(most).toBeLessThanOrEqual(3);
        expect(allocations).toBe(3);
      } finally {
        await reader.close();
      }
    });
  });

  it('times out a hung request and retries it; throttling and dropped connections are retried', async () => {
    await withImage(async (path, size) => {
      const map = await readSparseMap(path, { format: 'raw' });
      const reader = await BlockReader.open(path, size);
      const attempts = new Map<number, number>();
      const put: PutBlock = (index, _data, _sum, signal) => {
        const n = (attempts.get(index) ?? 0) + 1;
        attempts.set(index, n);
        if (index === 3 && n === 1) {
          // Hangs: never settles unless aborted.
          return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
        }
        if (index === 4 && n === 1) return Promise.reject(Object.assign(new Error('slow down'), { name: 'RequestThrottledException' }));
        if (index === 5 && n <= 2) return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        return Promise.resolve();
      };
      const { emit, events } = collect();
      try {
        const result = await uploadBlocks({ reader, blocks: blocksToSend(map, false), put, workers: 4, skipZeroBlocks: true, retry: { ...retry, timeoutMs: 100 }, emit });
        expect(result.blocksSent).toBe(5);
        expect(attempts.get(3)).toBe(2);
        expect(attempts.get(4)).toBe(2);
        expect(attempts.get(5)).toBe(3);
        expect(result.retries).toBe(4);
        expect(events.some((e) => e.type === 'message' && e.text.includes('block 3') && e.text.includes('timed out'))).toBe(true);
      } finally {
        await reader.close();
      }
    });
  });

  it('stops every worker at the first final failure and names the block', async () => {
    await withImage(async (path, size) => {
      const map = await readSparseMap(path, { format: 'raw' });
      const reader = await BlockReader.open(path, size);
      let calls = 0;
      const put: PutBlock = async (index) => {
        calls++;
        if (index === 2) throw Object.assign(new Error('bad checksum'), { name: 'ValidationException' });
      };
      try {
        await expect(uploadBlocks({ reader, blocks: blocksToSend(map, true), put, workers: 1, skipZeroBlocks: false, retry })).rejects.toMatchObject({
          code: 'EBS_BLOCK_UPLOAD_FAILED',
          message: expect.stringContaining('block 2'),
        });
        expect(calls).toBe(3);
      } finally {
        await reader.close();
      }
    });
  });
});
