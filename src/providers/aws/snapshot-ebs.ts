/**
 * Upload through the EBS direct APIs: StartSnapshot, PutSnapshotBlock for every block that holds
 * data (every block when the snapshot is encrypted), CompleteSnapshot with the linear aggregate
 * checksum, then wait until EC2 reports the snapshot `completed`. Also resumes a snapshot an
 * interrupted run left pending (blocks are simply written again; PutSnapshotBlock overwrites).
 */
import { CompleteSnapshotCommand, PutSnapshotBlockCommand, StartSnapshotCommand } from '@aws-sdk/client-ebs';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { KilnError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import type { SparseMap } from '../../image/sparse-map.js';
import { awsError, explainAwsFailure, isAwsError } from './aws-errors.js';
import { BlockReader, blocksToSend } from './block-reader.js';
import { uploadBlocks } from './block-uploader.js';
import type { AwsClients } from './clients.js';
import type { ResourceLedger } from './orphans.js';
import { isRetryable, withRetry } from './retry.js';
import type { Tag } from './tags.js';
import { EBS_BLOCK_SIZE, TAG, type PublishTiming, type UploadStats } from './types.js';
import { waitSnapshotCompleted } from './wait.js';

export interface EbsUploadInput {
  clients: AwsClients;
  region: string;
  imagePath: string;
  map: SparseMap;
  volumeSizeGiB: number;
  description: string;
  tags: Tag[];
  encrypted: boolean;
  kmsKeyId?: string;
  workers: number;
  /** Idempotency token of StartSnapshot (a retried call returns the same snapshot). */
  clientToken: string;
  /** Continue this pending snapshot instead of starting one. */
  resume?: { snapshotId: string; encrypted: boolean };
  ledger: ResourceLedger;
  timing: PublishTiming;
  emit: Emit;
  signal?: AbortSignal;
}

export interface EbsUploadResult {
  snapshotId: string;
  stats: UploadStats;
}

/** How long EBS keeps a started snapshot without writes or completion before cancelling it. */
const SNAPSHOT_TIMEOUT_MINUTES = 60;

export async function uploadEbsSnapshot(input: EbsUploadInput): Promise<EbsUploadResult> {
  const ebs = input.clients.ebs(input.region);
  const retry = {
    attempts: input.timing.attempts,
    baseMs: input.timing.backoffBaseMs,
    maxMs: input.timing.backoffMaxMs,
    timeoutMs: input.timing.requestTimeoutMs,
  };
  let snapshotId: string;
  let encrypted: boolean;
  if (input.resume) {
    ({ snapshotId, encrypted } = input.resume);
  } else {
    let started;
    try {
      started = await withRetry(
        (signal) =>
          ebs.send(
            new StartSnapshotCommand({
              VolumeSize: input.volumeSizeGiB,
              ClientToken: input.clientToken,
              Description: input.description,
              Tags: input.tags,
              Timeout: SNAPSHOT_TIMEOUT_MINUTES,
              ...(input.encrypted ? { Encrypted: true } : {}),
              ...(input.kmsKeyId ? { KmsKeyArn: input.kmsKeyId } : {}),
            }),
            { abortSignal: signal },
          ),
        { ...retry, signal: input.signal },
      );
    } catch (error) {
      throw awsError(error, `StartSnapshot in ${input.region}`);
    }
    if (!started.SnapshotId) throw new KilnError('EBS_BAD_RESPONSE', 'StartSnapshot returned no snapshot id', { fault: 'external' });
    snapshotId = started.SnapshotId;
    input.ledger.add({ kind: 'snapshot', region: input.region, id: snapshotId });
    if (started.BlockSize !== undefined && started.BlockSize !== EBS_BLOCK_SIZE) {
      throw new KilnError('EBS_BAD_RESPONSE', `StartSnapshot reports blocks of ${started.BlockSize} bytes; kiln writes ${EBS_BLOCK_SIZE}`, { fault: 'external' });
    }
    // Accounts with encryption by default encrypt even when not asked: the key ARN says so.
    encrypted = input.encrypted || Boolean(started.KmsKeyArn);
  }
  input.emit({ type: 'message', level: 'info', code: 'EBS_SNAPSHOT', text: `${input.resume ? 'resuming' : 'started'} snapshot ${snapshotId} in ${input.region}${encrypted ? ' (encrypted: every block is sent)' : ''}` });

  const blocks = blocksToSend(input.map, encrypted);
  const reader = await BlockReader.open(input.imagePath, input.map.virtualSize);
  let sent;
  try {
    sent = await uploadBlocks({
      reader,
      blocks,
      workers: input.workers,
      skipZeroBlocks: !encrypted,
      retry,
      signal: input.signal,
      emit: input.emit,
      task: `upload ${snapshotId}`,
      explain: (error) => {
        const why = explainAwsFailure(error);
        return { text: why.text, details: why.details, hint: why.awsVerdict ? undefined : why.hint, cause: why.cause };
      },
      put: async (index, data, checksum, signal) => {
        const command = new PutSnapshotBlockCommand({ SnapshotId: snapshotId, BlockIndex: index, BlockData: data, DataLength: data.length, Checksum: checksum, ChecksumAlgorithm: 'SHA256' });
        presetPayloadHash(command, checksum);
        await ebs.send(command, { abortSignal: signal });
      },
    });
  } finally {
    await reader.close();
  }

  const complete = {
    SnapshotId: snapshotId,
    ChangedBlocksCount: sent.blocksSent,
    ...(sent.blocksSent > 0 ? { Checksum: sent.checksum.aggregate(), ChecksumAlgorithm: 'SHA256' as const, ChecksumAggregationMethod: 'LINEAR' as const } : {}),
  };
  let status;
  try {
    const out = await withRetry((signal) => ebs.send(new CompleteSnapshotCommand(complete), { abortSignal: signal }), {
      ...retry,
      signal: input.signal,
      retryable: (e) => isRetryable(e) && !isAwsError(e, 'ValidationException'),
    });
    status = out.Status;
  } catch (error) {
    throw awsError(error, `CompleteSnapshot ${snapshotId}`, 'A checksum mismatch means a block changed while it was read: the image must not be written during a publish.');
  }
  if (status === 'error') throw new KilnError('EBS_SNAPSHOT_FAILED', `CompleteSnapshot: snapshot ${snapshotId} is in state error`, { fault: 'external' });
  await markUploaded(input, snapshotId);
  await waitSnapshotCompleted(input.clients.ec2(input.region), snapshotId, input.region, {
    intervalMs: input.timing.pollMs,
    timeoutMs: input.timing.snapshotWaitMs,
    signal: input.signal,
    emit: input.emit,
  });
  const blocksTotal = Math.ceil(input.map.virtualSize / EBS_BLOCK_SIZE);
  return {
    snapshotId,
    stats: { blocksTotal, blocksSent: sent.blocksSent, bytesSent: sent.bytesSent, blocksSkipped: blocksTotal - sent.blocksSent, seconds: sent.seconds },
  };
}

/**
 * The block's SHA-256 is already known: give it to SigV4 as the payload hash (the signer uses a
 * preset x-amz-content-sha256) instead of letting it hash the same 512 KiB a second time.
 */
function presetPayloadHash(command: PutSnapshotBlockCommand, checksumBase64: string): void {
  const hex = Buffer.from(checksumBase64, 'base64').toString('hex');
  command.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = hex;
      return next(args);
    },
    { step: 'build', name: 'kilnPresetPayloadHash' },
  );
}

/** Marks the snapshot as fully written, so a later run waits for it instead of resuming it. */
async function markUploaded(input: EbsUploadInput, snapshotId: string): Promise<void> {
  try {
    await input.clients.ec2(input.region).send(new CreateTagsCommand({ Resources: [snapshotId], Tags: [{ Key: TAG.upload, Value: 'complete' }] }));
  } catch (error) {
    throw awsError(error, `CreateTags on ${snapshotId}`);
  }
}
