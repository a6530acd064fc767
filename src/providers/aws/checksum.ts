/**
 * Checksums of the EBS direct APIs: each block carries the base64 SHA-256 of its 512 KiB, and
 * CompleteSnapshot carries the LINEAR aggregate: the SHA-256 over the concatenation of the blocks'
 * binary digests in block-index order, base64 (as awslabs/coldsnap computes it). Only the blocks
 * actually written count; skipped holes are not part of the aggregate.
 */
import { createHash } from 'node:crypto';

/** Binary SHA-256 digest of one block. */
export function blockDigest(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Collects the digests of written blocks (in any order) and produces the linear aggregate. */
export class LinearChecksum {
  private readonly digests = new Map<number, Buffer>();

  add(blockIndex: number, digest: Buffer): void {
    this.digests.set(blockIndex, digest);
  }

  get count(): number {
    return this.digests.size;
  }

  /** Base64 SHA-256 over the digests concatenated in block-index order. */
  aggregate(): string {
    const hash = createHash('sha256');
    for (const index of [...this.digests.keys()].sort((a, b) => a - b)) hash.update(this.digests.get(index)!);
    return hash.digest('base64');
  }
}
