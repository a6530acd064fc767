/**
 * Idempotency: what a previous run already made. An AMI is found by its name (unique per region
 * and account) and must carry the same kiln:sha256; a snapshot is found by kiln:sha256 (its
 * content) and reused only when kiln's completion mark says kiln finished its upload of this very
 * image (tags.ts): a snapshot a killed run left half-written is resumed, never reused, even where
 * an endpoint reports it `completed`. Resources tagged kiln:orphan are never reused.
 */
import { DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client, type Snapshot } from '@aws-sdk/client-ec2';
import { KilnError, interruptedError } from '../../core/errors.js';
import { abortable } from './abort.js';
import { awsError } from './aws-errors.js';
import { parseCompletionMark, tagValue } from './tags.js';
import { TAG } from './types.js';
import { rootSnapshotId } from './wait.js';

export interface ExistingImage {
  imageId: string;
  state: string;
  snapshotId?: string;
  public: boolean;
}

/**
 * The AMI named `name` in this region, if it holds the same image. An AMI of that name with another
 * sha256 (or none) is a conflict: EC2 would refuse the name, and overwriting is not kiln's call.
 */
export async function findImage(ec2: EC2Client, region: string, name: string, sha256: string, signal?: AbortSignal): Promise<ExistingImage | undefined> {
  let images;
  try {
    const out = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }), abortable(signal));
    images = (out.Images ?? []).filter((i) => i.Name === name && i.State !== 'deregistered');
  } catch (error) {
    if (signal?.aborted) throw interruptedError(signal.reason);
    throw awsError(error, `DescribeImages (name ${name}) in ${region}`);
  }
  const image = images[0];
  if (!image?.ImageId) return undefined;
  const theirs = tagValue(image.Tags, TAG.sha256);
  if (theirs !== sha256 || tagValue(image.Tags, TAG.orphan) !== undefined) {
    throw new KilnError('AMI_NAME_TAKEN', `an AMI named '${name}' already exists in ${region} (${image.ImageId}) and holds ${theirs ? `another image (sha256 ${theirs.slice(0, 12)}…)` : 'an image kiln did not publish'}`, {
      fault: 'user',
      hint: 'Pick another --name (e.g. add a version or date), or deregister that AMI first.',
    });
  }
  return { imageId: image.ImageId, state: image.State ?? 'pending', snapshotId: rootSnapshotId(image), public: Boolean(image.Public) };
}

export type SnapshotAction =
  /** Completed: use it as is. */
  | { action: 'reuse'; snapshotId: string }
  /** Pending after CompleteSnapshot: wait for it. */
  | { action: 'wait'; snapshotId: string }
  /** Pending without CompleteSnapshot (the upload died): send the blocks again and complete it. */
  | { action: 'resume'; snapshotId: string; encrypted: boolean };

export interface SnapshotWish {
  /** The image's sha256: a completion mark must name it. */
  sha256: string;
  encrypted: boolean;
  kmsKeyId?: string;
  volumeSizeGiB: number;
  /** Only EBS direct uploads can be resumed. */
  canResume: boolean;
  /** A public AMI cannot use an encrypted snapshot. */
  public: boolean;
}

export async function findSnapshots(ec2: EC2Client, region: string, sha256: string, signal?: AbortSignal): Promise<Snapshot[]> {
  try {
    const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${TAG.sha256}`, Values: [sha256] }] }), abortable(signal));
    return out.Snapshots ?? [];
  } catch (error) {
    if (signal?.aborted) throw interruptedError(signal.reason);
    throw awsError(error, `DescribeSnapshots (tag ${TAG.sha256}) in ${region}`);
  }
}

/** Picks the best existing snapshot for this run: completed, else one being completed, else a resumable one. */
export function pickSnapshot(snapshots: Snapshot[], wish: SnapshotWish): SnapshotAction | undefined {
  const usable = snapshots.filter(
    (s) =>
      s.SnapshotId &&
      tagValue(s.Tags, TAG.orphan) === undefined &&
      (!wish.kmsKeyId || s.KmsKeyId === wish.kmsKeyId || s.KmsKeyId?.endsWith(`/${wish.kmsKeyId}`)) &&
      (s.VolumeSize === undefined || s.VolumeSize === wish.volumeSizeGiB),
  );
  let fits = usable.filter((s) => Boolean(s.Encrypted) === wish.encrypted);
  // Not asked to encrypt, yet only encrypted ones exist: the account encrypts by default, and a
  // new upload would be encrypted too. Reuse it, unless the AMI is to be public.
  if (fits.length === 0 && !wish.encrypted && !wish.public) fits = usable;
  const marked = (s: Snapshot) => parseCompletionMark(tagValue(s.Tags, TAG.upload))?.sha256 === wish.sha256;
  const completed = fits.find((s) => s.State === 'completed' && marked(s));
  if (completed) return { action: 'reuse', snapshotId: completed.SnapshotId! };
  const pending = fits.filter((s) => s.State === 'pending');
  const finishing = pending.find(marked);
  if (finishing) return { action: 'wait', snapshotId: finishing.SnapshotId! };
  const resumable = pending.find((s) => !marked(s));
  if (resumable && wish.canResume) return { action: 'resume', snapshotId: resumable.SnapshotId!, encrypted: Boolean(resumable.Encrypted) };
  return undefined;
}
