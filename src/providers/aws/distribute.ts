/**
 * Copies the source AMI to every other region, all regions in parallel, each waiting until its
 * copy is `available`. A region that already holds the AMI (same name and kiln:sha256) is reused.
 * Copies and their snapshots carry the same tags (CopyImage TagSpecifications).
 */
import { CopyImageCommand } from '@aws-sdk/client-ec2';
import { KilnError, interruptedError, isKilnError } from '../../core/errors.js';
import { abortable, afterGrace } from './abort.js';
import type { Emit } from '../../core/events.js';
import { awsError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import { findImage } from './find-existing.js';
import type { ResourceLedger } from './orphans.js';
import type { Tag } from './tags.js';
import type { PublishTiming, RegionImage } from './types.js';
import { waitImageAvailable } from './wait.js';

export interface CopyInput {
  clients: AwsClients;
  sourceRegion: string;
  sourceImageId: string;
  name: string;
  sha256: string;
  description?: string;
  tags: Tag[];
  encrypted: boolean;
  /** Idempotency token prefix; the region is appended. */
  clientToken: string;
  ledger: ResourceLedger;
  timing: PublishTiming;
  emit: Emit;
  signal?: AbortSignal;
}

export async function copyToRegion(input: CopyInput, region: string): Promise<RegionImage> {
  const ec2 = input.clients.ec2(region);
  const poll = { intervalMs: input.timing.pollMs, timeoutMs: input.timing.imageWaitMs, signal: input.signal, emit: input.emit };
  const existing = await findImage(ec2, region, input.name, input.sha256, input.signal);
  if (existing) {
    input.emit({ type: 'message', level: 'info', code: 'AMI_REUSED', text: `${region}: reusing ${existing.imageId}` });
    const ready = existing.state === 'available' ? existing : await waitImageAvailable(ec2, existing.imageId, region, poll);
    return { region, imageId: existing.imageId, snapshotId: ready.snapshotId ?? '', state: 'reused', public: ready.public };
  }
  let imageId: string | undefined;
  try {
    const out = await ec2.send(
      // Aborted only after a grace: the id should come back so a failed run can deregister the copy.
      new CopyImageCommand({
        SourceRegion: input.sourceRegion,
        SourceImageId: input.sourceImageId,
        Name: input.name,
        Description: input.description,
        ClientToken: `${input.clientToken}-${region}`.slice(0, 64),
        ...(input.encrypted ? { Encrypted: true } : {}),
        TagSpecifications: [
          { ResourceType: 'image', Tags: input.tags },
          { ResourceType: 'snapshot', Tags: input.tags },
        ],
      }),
      abortable(afterGrace(input.signal)),
    );
    imageId = out.ImageId;
  } catch (error) {
    if (input.signal?.aborted) throw interruptedError(input.signal.reason);
    throw awsError(error, `CopyImage ${input.sourceImageId} ${input.sourceRegion} → ${region}`);
  }
  if (!imageId) throw new KilnError('EC2_BAD_RESPONSE', `CopyImage to ${region} returned no image id`, { fault: 'external' });
  input.ledger.add({ kind: 'image', region, id: imageId });
  input.emit({ type: 'message', level: 'info', code: 'AMI_COPYING', text: `${region}: copying as ${imageId}` });
  const ready = await waitImageAvailable(ec2, imageId, region, poll);
  if (ready.snapshotId) input.ledger.add({ kind: 'snapshot', region, id: ready.snapshotId });
  return { region, imageId, snapshotId: ready.snapshotId ?? '', state: 'created', public: ready.public };
}

/** Copies to all `regions` in parallel; if any fails, the error lists every region's failure. */
export async function copyToRegions(input: CopyInput, regions: string[]): Promise<RegionImage[]> {
  const settled = await Promise.allSettled(regions.map((region) => copyToRegion(input, region)));
  const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ region: regions[i]!, error: s.reason as unknown }] : []));
  if (failures.length === 0) return settled.map((s) => (s as PromiseFulfilledResult<RegionImage>).value);
  const first = failures[0]!.error;
  if (failures.length === 1 && isKilnError(first)) throw first;
  throw new KilnError(isKilnError(first) ? first.code : 'AMI_COPY_FAILED', `copy failed in ${failures.map((f) => f.region).join(', ')}`, {
    cause: first,
    fault: isKilnError(first) ? first.fault : 'external',
    details: failures.map((f) => `${f.region}: ${f.error instanceof Error ? f.error.message : String(f.error)}`),
    hint: isKilnError(first) ? first.hint : undefined,
  });
}
