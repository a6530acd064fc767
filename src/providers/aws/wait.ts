/**
 * Waiting for EC2 state changes by polling: a snapshot until `completed`, an AMI until
 * `available`. Hand-written rather than the SDK's waiters so each poll can emit progress, the
 * interval is one knob (tests make it 1 ms), and an `error`/`failed` state stops at once with
 * EC2's own reason.
 */
import { DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { KilnError, interruptedError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import { awsError, isAwsError } from './aws-errors.js';
import { sleep } from './retry.js';

export interface PollOptions {
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  emit: Emit;
}

type Check<T> = () => Promise<{ done: true; value: T } | { done: false; percent?: number }>;

/** Polls `check` until it is done, throws, or `timeoutMs` passes (KilnError `code`). */
export async function pollUntil<T>(what: string, check: Check<T>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw interruptedError(options.signal.reason);
    const state = await check();
    if (state.done) return state.value;
    if (state.percent !== undefined) {
      options.emit({ type: 'progress', task: what, done: state.percent, total: 100, unit: 'steps' });
    }
    if (Date.now() >= deadline) {
      throw new KilnError('AWS_WAIT_TIMEOUT', `${what}: not done after ${Math.round(options.timeoutMs / 1000)} s`, {
        fault: 'external',
        hint: 'AWS is slow or stuck; re-run later: kiln finds and reuses what is already there.',
      });
    }
    await sleep(options.intervalMs, options.signal);
  }
}

function percent(text: string | undefined): number | undefined {
  const n = text === undefined ? NaN : Number.parseFloat(text);
  return Number.isFinite(n) ? n : undefined;
}

export async function waitSnapshotCompleted(ec2: EC2Client, snapshotId: string, region: string, options: PollOptions): Promise<void> {
  await pollUntil(
    `snapshot ${snapshotId} (${region})`,
    async () => {
      let snapshot;
      try {
        const out = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }), { abortSignal: options.signal });
        snapshot = out.Snapshots?.[0];
      } catch (error) {
        // Eventual consistency: a new snapshot may not be visible yet.
        if (isAwsError(error, 'InvalidSnapshot.NotFound')) return { done: false };
        throw awsError(error, `DescribeSnapshots ${snapshotId} in ${region}`);
      }
      if (!snapshot) return { done: false };
      if (snapshot.State === 'completed') return { done: true, value: undefined };
      if (snapshot.State === 'error' || snapshot.State === 'recoverable') {
        throw new KilnError('EC2_SNAPSHOT_FAILED', `snapshot ${snapshotId} in ${region} is in state ${snapshot.State}: ${snapshot.StateMessage ?? 'no reason given'}`, {
          fault: 'external',
        });
      }
      return { done: false, percent: percent(snapshot.Progress) };
    },
    options,
  );
}

export interface ImageState {
  imageId: string;
  snapshotId?: string;
  public: boolean;
}

/** The snapshot behind an AMI's root device. */
export function rootSnapshotId(image: Image): string | undefined {
  const root = image.BlockDeviceMappings?.find((m) => m.DeviceName === image.RootDeviceName) ?? image.BlockDeviceMappings?.[0];
  return root?.Ebs?.SnapshotId;
}

export async function waitImageAvailable(ec2: EC2Client, imageId: string, region: string, options: PollOptions): Promise<ImageState> {
  return pollUntil<ImageState>(
    `AMI ${imageId} (${region})`,
    async () => {
      let image: Image | undefined;
      try {
        const out = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }), { abortSignal: options.signal });
        image = out.Images?.[0];
      } catch (error) {
        if (isAwsError(error, 'InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable')) return { done: false };
        throw awsError(error, `DescribeImages ${imageId} in ${region}`);
      }
      if (!image) return { done: false };
      if (image.State === 'available') return { done: true, value: { imageId, snapshotId: rootSnapshotId(image), public: Boolean(image.Public) } };
      if (image.State && ['failed', 'error', 'invalid', 'deregistered'].includes(image.State)) {
        throw new KilnError('EC2_IMAGE_FAILED', `AMI ${imageId} in ${region} is in state ${image.State}: ${image.StateReason?.Message ?? 'no reason given'}`, {
          fault: 'external',
        });
      }
      return { done: false };
    },
    options,
  );
}
