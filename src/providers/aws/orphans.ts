/**
 * No orphans: every AWS resource a run creates is written in a ledger the moment its id is known.
 * If the run fails (or is interrupted), `cleanup` deletes them: AMIs first (a registered AMI holds
 * its snapshot), then import tasks, snapshots and S3 objects. What cannot be deleted is tagged
 * `kiln:orphan` and reported, so it can be found and removed by hand.
 */
import { CancelImportTaskCommand, CreateTagsCommand, DeleteSnapshotCommand, DeregisterImageCommand } from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import type { Emit } from '../../core/events.js';
import type { AwsClients } from './clients.js';
import { explainAwsFailure, isAwsError } from './aws-errors.js';
import { isRetryable, withRetry } from './retry.js';
import { TAG, type PublishTiming } from './types.js';

export type CreatedResource =
  | { kind: 'image'; region: string; id: string }
  | { kind: 'snapshot'; region: string; id: string }
  | { kind: 'import-task'; region: string; id: string }
  | { kind: 's3-object'; region: string; bucket: string; key: string };

export interface Orphan {
  resource: CreatedResource;
  reason: string;
  tagged: boolean;
}

export interface CleanupReport {
  deleted: CreatedResource[];
  orphans: Orphan[];
}

const ORDER: CreatedResource['kind'][] = ['image', 'import-task', 'snapshot', 's3-object'];

export function describeResource(r: CreatedResource): string {
  if (r.kind === 's3-object') return `S3 object s3://${r.bucket}/${r.key} (${r.region})`;
  const label = { image: 'AMI', snapshot: 'snapshot', 'import-task': 'import task' }[r.kind];
  return `${label} ${r.id} (${r.region})`;
}

export class ResourceLedger {
  private entries: CreatedResource[] = [];
  private readonly disposed: CleanupReport = { deleted: [], orphans: [] };

  constructor(
    private readonly clients: AwsClients,
    private readonly timing: Pick<PublishTiming, 'backoffBaseMs' | 'backoffMaxMs' | 'requestTimeoutMs'>,
    private readonly emit: Emit,
  ) {}

  /** Records a created resource; the returned function forgets it (the run keeps it). */
  add(resource: CreatedResource): () => void {
    this.entries.push(resource);
    return () => {
      this.entries = this.entries.filter((e) => e !== resource);
    };
  }

  get resources(): readonly CreatedResource[] {
    return this.entries;
  }

  /** Removes one resource now (e.g. the S3 object after an import), tagging it if that fails. */
  async dispose(resource: CreatedResource): Promise<boolean> {
    this.entries = this.entries.filter((e) => e !== resource);
    return this.remove(resource, this.disposed);
  }

  /** Deletes everything still recorded; never throws. */
  async cleanup(): Promise<CleanupReport> {
    const report: CleanupReport = { deleted: [...this.disposed.deleted], orphans: [...this.disposed.orphans] };
    const pending = [...this.entries].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
    this.entries = [];
    for (const resource of pending) await this.remove(resource, report);
    return report;
  }

  private async remove(resource: CreatedResource, report: CleanupReport): Promise<boolean> {
    try {
      const existed = await withRetry(() => this.delete(resource), {
        attempts: 6,
        baseMs: this.timing.backoffBaseMs,
        maxMs: this.timing.backoffMaxMs,
        timeoutMs: Math.max(this.timing.requestTimeoutMs, 1000),
        // Right after DeregisterImage the snapshot can still be "in use" for a moment.
        retryable: (e) => isRetryable(e) || isAwsError(e, 'InvalidSnapshot.InUse'),
      });
      // Never made (an upload into a bucket that does not exist): nothing to delete or report.
      if (!existed) return true;
      report.deleted.push(resource);
      this.emit({ type: 'message', level: 'info', code: 'AWS_CLEANED_UP', text: `deleted ${describeResource(resource)}` });
      return true;
    } catch (error) {
      const reason = explainAwsFailure(error).text;
      const tagged = await this.tagOrphan(resource, reason);
      report.orphans.push({ resource, reason, tagged });
      this.emit({ type: 'message', level: 'warn', code: 'AWS_ORPHAN', text: `could not delete ${describeResource(resource)}: ${reason}${tagged ? ` (tagged ${TAG.orphan})` : ''}` });
      return false;
    }
  }

  /** Deletes the resource; false when it does not exist (never made, or already gone). */
  private async delete(r: CreatedResource): Promise<boolean> {
    switch (r.kind) {
      case 'image':
        await this.clients.ec2(r.region).send(new DeregisterImageCommand({ ImageId: r.id }));
        return true;
      case 'snapshot':
        try {
          await this.clients.ec2(r.region).send(new DeleteSnapshotCommand({ SnapshotId: r.id }));
        } catch (error) {
          if (!isAwsError(error, 'InvalidSnapshot.NotFound')) throw error;
        }
        return true;
      case 'import-task':
        try {
          await this.clients.ec2(r.region).send(new CancelImportTaskCommand({ ImportTaskId: r.id, CancelReason: 'kiln publish failed' }));
        } catch (error) {
          // A task that already finished cannot be cancelled: its snapshot is in the ledger too.
          if (!isAwsError(error, 'IncorrectState', 'InvalidConversionTaskId', 'InvalidParameterValue')) throw error;
        }
        return true;
      case 's3-object':
        try {
          await this.clients.s3(r.region).send(new DeleteObjectCommand({ Bucket: r.bucket, Key: r.key }));
        } catch (error) {
          if (isAwsError(error, 'NoSuchBucket')) return false;
          throw error;
        }
        return true;
    }
  }

  private async tagOrphan(r: CreatedResource, reason: string): Promise<boolean> {
    const value = `kiln publish failed ${new Date().toISOString()}; delete failed: ${reason}`.slice(0, 255);
    try {
      if (r.kind === 's3-object') {
        await this.clients.s3(r.region).send(new PutObjectTaggingCommand({ Bucket: r.bucket, Key: r.key, Tagging: { TagSet: [{ Key: TAG.orphan, Value: value.replace(/[^\w .:/=+@-]/g, ' ') }] } }));
      } else {
        await this.clients.ec2(r.region).send(new CreateTagsCommand({ Resources: [r.id], Tags: [{ Key: TAG.orphan, Value: value }] }));
      }
      return true;
    } catch {
      return false;
    }
  }
}

/** The lines a KilnError lists for what a failed run left behind. */
export function orphanDetails(report: CleanupReport): string[] {
  return report.orphans.map((o) => `left behind: ${describeResource(o.resource)}${o.tagged ? ` (tagged ${TAG.orphan})` : ' (NOT tagged)'}: ${o.reason}`);
}
