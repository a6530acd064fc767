/**
 * The worker pool that sends blocks: `workers` workers each own one block buffer, take the next
 * block index, read it, hash it and send it with retries (backoff + jitter, a deadline per
 * request). The first block that fails for good stops every worker. Knows nothing of the SDK: the
 * caller passes `put`, so the pool is tested with plain functions and used with PutSnapshotBlock.
 */
import { setMaxListeners } from 'node:events';
import { KilnError, interruptedError } from '../../core/errors.js';
import { silent, type Emit } from '../../core/events.js';
import type { BlockReader } from './block-reader.js';
import { LinearChecksum, blockDigest } from './checksum.js';
import { ProgressMeter } from './progress.js';
import { withRetry, type RetryOptions } from './retry.js';

/** Sends one block; must honour `signal` (the request's deadline or the run's abort). */
export type PutBlock = (index: number, data: Buffer, checksumBase64: string, signal: AbortSignal) => Promise<void>;

export interface UploadBlocksOptions {
  reader: BlockReader;
  /** Block indexes to send, in the order to send them. */
  blocks: number[];
  put: PutBlock;
  workers: number;
  /** Skip data blocks that are all zeroes (only where unwritten blocks read back as zeroes). */
  skipZeroBlocks: boolean;
  retry: Omit<RetryOptions, 'signal' | 'onRetry'>;
  signal?: AbortSignal;
  emit?: Emit;
  task?: string;
  /** Words, details, hint and cause for a block's final failure (the caller knows its transport). */
  explain?: (error: unknown) => { text: string; details?: string[]; hint?: string; cause?: unknown };
}

export interface UploadBlocksResult {
  checksum: LinearChecksum;
  blocksSent: number;
  bytesSent: number;
  zeroBlocksSkipped: number;
  retries: number;
  seconds: number;
}

export async function uploadBlocks(options: UploadBlocksOptions): Promise<UploadBlocksResult> {
  const emit = options.emit ?? silent;
  const { reader, blocks } = options;
  const blockSize = reader.blockSize;
  const checksum = new LinearChecksum();
  const meter = new ProgressMeter({ task: options.task ?? 'upload', totalBytes: blocks.length * blockSize, totalBlocks: blocks.length, emit });
  const stop = new AbortController();
  // Every worker's retry loop listens on this one signal.
  setMaxListeners(options.workers + 16, stop.signal);
  const onAbort = () => stop.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let bytesSent = 0;
  let zeroBlocksSkipped = 0;
  let retries = 0;
  let failure: { index: number; error: unknown } | undefined;

  async function worker(): Promise<void> {
    const buffer = reader.allocate();
    while (!stop.signal.aborted) {
      const position = next++;
      if (position >= blocks.length) return;
      const index = blocks[position]!;
      const { zero } = await reader.read(index, buffer);
      if (zero && options.skipZeroBlocks) {
        zeroBlocksSkipped++;
        meter.add(blockSize, 1);
        continue;
      }
      const digest = blockDigest(buffer);
      const base64 = digest.toString('base64');
      try {
        await withRetry((signal) => options.put(index, buffer, base64, signal), {
          ...options.retry,
          signal: stop.signal,
          onRetry: (error, attempt, delayMs) => {
            retries++;
            emit({ type: 'message', level: 'debug', text: `block ${index}: attempt ${attempt} failed (${describe(error)}); retrying in ${delayMs} ms` });
          },
        });
      } catch (error) {
        if (!failure && !options.signal?.aborted) {
          failure = { index, error };
          stop.abort(error);
        }
        return;
      }
      checksum.add(index, digest);
      bytesSent += blockSize;
      meter.add(blockSize, 1);
    }
  }

  try {
    const count = Math.max(1, Math.min(options.workers, blocks.length || 1));
    await Promise.all(Array.from({ length: count }, () => worker()));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (options.signal?.aborted) throw interruptedError(options.signal.reason);
  if (failure) {
    const why = options.explain?.(failure.error) ?? { text: describe(failure.error), cause: failure.error };
    throw new KilnError('EBS_BLOCK_UPLOAD_FAILED', `block ${failure.index} could not be sent: ${why.text}`, {
      cause: why.cause,
      fault: 'external',
      details: why.details,
      hint: why.hint ?? 'Transient failures are retried with backoff; this one was final or kept failing. Re-run to resume: completed work is found by its tags.',
    });
  }
  meter.finish();
  return { checksum, blocksSent: checksum.count, bytesSent, zeroBlocksSkipped, retries, seconds: meter.elapsedMs / 1000 };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
