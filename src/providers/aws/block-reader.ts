/**
 * Reads an image as 512 KiB EBS blocks. Which blocks to read comes from the image's data map
 * (src/image/sparse-map.ts): holes are never read. Each worker owns one fixed buffer for its whole
 * life, so memory is `workers × 512 KiB` whatever the image size.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dataBlocks, type SparseMap } from '../../image/sparse-map.js';
import { EBS_BLOCK_SIZE } from './types.js';

/** The blocks to send: on an unencrypted snapshot only blocks that hold data; otherwise every block. */
export function blocksToSend(map: SparseMap, everyBlock: boolean, blockSize = EBS_BLOCK_SIZE): number[] {
  if (!everyBlock) return dataBlocks(map, blockSize);
  const count = Math.ceil(map.virtualSize / blockSize);
  return Array.from({ length: count }, (_, i) => i);
}

export class BlockReader {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly blockSize: number,
  ) {}

  static async open(path: string, size: number, blockSize = EBS_BLOCK_SIZE): Promise<BlockReader> {
    return new BlockReader(await open(path, 'r'), size, blockSize);
  }

  /** A buffer of one block, to be reused for every read by one worker. */
  allocate(): Buffer {
    return Buffer.allocUnsafe(this.blockSize);
  }

  /**
   * Reads block `index` into `buffer` (whole; past the end of the image it is zero-padded, as EBS
   * wants full blocks). Returns whether the block is all zeroes.
   */
  async read(index: number, buffer: Buffer): Promise<{ zero: boolean }> {
    const offset = index * this.blockSize;
    const want = Math.max(0, Math.min(this.blockSize, this.size - offset));
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.handle.read(buffer, got, want - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got < this.blockSize) buffer.fill(0, got);
    return { zero: isZero(buffer) };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

const ZERO_CHUNK = Buffer.alloc(64 * 1024);

export function isZero(buffer: Buffer): boolean {
  for (let off = 0; off < buffer.length; off += ZERO_CHUNK.length) {
    const end = Math.min(buffer.length, off + ZERO_CHUNK.length);
    if (buffer.compare(ZERO_CHUNK, 0, end - off, off, end) !== 0) return false;
  }
  return true;
}
