/**
 * The fallback upload (--method import-snapshot): the raw file goes to S3 as a multipart upload
 * (@aws-sdk/lib-storage), EC2 ImportSnapshot turns it into a snapshot (needs the `vmimport` service
 * role), kiln polls DescribeImportSnapshotTasks with progress, and the S3 object is deleted
 * afterwards whether the import worked or not. S3 objects cannot be sparse: the whole file is sent.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { CreateTagsCommand, DescribeImportSnapshotTasksCommand, ImportSnapshotCommand } from '@aws-sdk/client-ec2';
import { Upload } from '@aws-sdk/lib-storage';
import { KilnError, interruptedError } from '../../core/errors.js';
import { abortable, afterGrace } from './abort.js';
import type { Emit } from '../../core/events.js';
import { awsError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import type { CreatedResource, ResourceLedger } from './orphans.js';
import { ProgressMeter } from './progress.js';
import { completionMark, type Tag } from './tags.js';
import { EBS_BLOCK_SIZE, TAG, type PublishTiming, type UploadStats } from './types.js';
import { pollUntil, waitSnapshotCompleted } from './wait.js';

export interface ImportInput {
  clients: AwsClients;
  region: string;
  imagePath: string;
  size: number;
  bucket: string;
  sha256: string;
  description: string;
  tags: Tag[];
  encrypted: boolean;
  kmsKeyId?: string;
  clientToken: string;
  ledger: ResourceLedger;
  timing: PublishTiming;
  emit: Emit;
  signal?: AbortSignal;
}

const VMIMPORT_HINT =
  'ImportSnapshot needs the `vmimport` service role with read access to the bucket (see the AWS VM Import/Export docs), and the bucket in the same region.';

export async function importSnapshot(input: ImportInput): Promise<{ snapshotId: string; stats: UploadStats }> {
  const started = Date.now();
  const key = `kiln-import/${input.sha256}/${basename(input.imagePath)}`;
  const object: CreatedResource = { kind: 's3-object', region: input.region, bucket: input.bucket, key };
  input.ledger.add(object);
  try {
    await uploadToS3(input, key);
    const snapshotId = await runImport(input, key);
    const blocksTotal = Math.ceil(input.size / EBS_BLOCK_SIZE);
    return {
      snapshotId,
      stats: { blocksTotal, blocksSent: blocksTotal, bytesSent: input.size, blocksSkipped: 0, seconds: (Date.now() - started) / 1000 },
    };
  } finally {
    // The object was only a vehicle: gone on success and on failure (tagged kiln:orphan if it stays).
    await input.ledger.dispose(object);
  }
}

async function uploadToS3(input: ImportInput, key: string): Promise<void> {
  const partSize = Math.max(16 * 1024 * 1024, Math.ceil(input.size / 9_000));
  const abortController = new AbortController();
  const onAbort = () => abortController.abort();
  input.signal?.addEventListener('abort', onAbort, { once: true });
  const upload = new Upload({
    client: input.clients.s3(input.region),
    params: { Bucket: input.bucket, Key: key, Body: createReadStream(input.imagePath), ContentLength: input.size },
    queueSize: 4,
    partSize,
    leavePartsOnError: false,
    abortController,
  });
  const meter = new ProgressMeter({ task: `upload s3://${input.bucket}/${key}`, totalBytes: input.size, emit: input.emit });
  let last = 0;
  upload.on('httpUploadProgress', (p) => {
    if (p.loaded === undefined) return;
    meter.add(p.loaded - last);
    last = p.loaded;
  });
  try {
    await upload.done();
    meter.finish();
  } catch (error) {
    if (input.signal?.aborted) throw input.signal.reason;
    throw awsError(error, `S3 upload to s3://${input.bucket}/${key}`);
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
  }
}

async function runImport(input: ImportInput, key: string): Promise<string> {
  const ec2 = input.clients.ec2(input.region);
  let taskId: string | undefined;
  try {
    const out = await ec2.send(
      new ImportSnapshotCommand({
        ClientToken: input.clientToken,
        Description: input.description,
        DiskContainer: { Description: input.description, Format: 'RAW', UserBucket: { S3Bucket: input.bucket, S3Key: key } },
        ...(input.encrypted || input.kmsKeyId ? { Encrypted: true } : {}),
        ...(input.kmsKeyId ? { KmsKeyId: input.kmsKeyId } : {}),
        TagSpecifications: [{ ResourceType: 'import-snapshot-task', Tags: input.tags }],
      }),
      // Aborted only after a grace: the task id should come back so a failed run can cancel the task.
      abortable(afterGrace(input.signal)),
    );
    taskId = out.ImportTaskId;
  } catch (error) {
    if (input.signal?.aborted) throw interruptedError(input.signal.reason);
    throw awsError(error, `ImportSnapshot in ${input.region}`, VMIMPORT_HINT);
  }
  if (!taskId) throw new KilnError('EC2_BAD_RESPONSE', 'ImportSnapshot returned no task id', { fault: 'external' });
  const releaseTask = input.ledger.add({ kind: 'import-task', region: input.region, id: taskId });
  const poll = { intervalMs: input.timing.pollMs, timeoutMs: input.timing.importWaitMs, signal: input.signal, emit: input.emit };
  const snapshotId = await pollUntil(
    `import ${taskId}`,
    async () => {
      let detail;
      try {
        const out = await ec2.send(new DescribeImportSnapshotTasksCommand({ ImportTaskIds: [taskId!] }), { abortSignal: input.signal });
        detail = out.ImportSnapshotTasks?.[0]?.SnapshotTaskDetail;
      } catch (error) {
        throw awsError(error, `DescribeImportSnapshotTasks ${taskId}`);
      }
      const status = detail?.Status?.toLowerCase();
      if (status === 'completed' && detail?.SnapshotId) return { done: true, value: detail.SnapshotId };
      if (status === 'deleted' || status === 'deleting' || status === 'error') {
        throw new KilnError('EC2_IMPORT_FAILED', `import task ${taskId} ended (${status}): ${detail?.StatusMessage ?? 'no reason given'}`, {
          fault: 'external',
          hint: VMIMPORT_HINT,
        });
      }
      const percent = detail?.Progress === undefined ? undefined : Number.parseFloat(detail.Progress);
      return { done: false, percent: Number.isFinite(percent) ? percent : undefined };
    },
    poll,
  );
  input.ledger.add({ kind: 'snapshot', region: input.region, id: snapshotId });
  releaseTask();
  try {
    await ec2.send(new CreateTagsCommand({ Resources: [snapshotId], Tags: [...input.tags, { Key: TAG.upload, Value: completionMark(input.sha256, 'import') }] }), abortable(input.signal));
  } catch (error) {
    if (input.signal?.aborted) throw interruptedError(input.signal.reason);
    throw awsError(error, `CreateTags on ${snapshotId}`);
  }
  await waitSnapshotCompleted(ec2, snapshotId, input.region, { ...poll, timeoutMs: input.timing.snapshotWaitMs });
  return snapshotId;
}
