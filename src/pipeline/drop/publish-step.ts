/**
 * A drop's publish step: the item's ec2 output uploaded as an EBS snapshot and registered as an
 * AMI in every region the spec names, named after the output and tagged as the spec says (with
 * the compose's placeholders expanded), with the boot mode its disk calls for (hybrid:
 * uefi-preferred), which the AMI record keeps. The AWS provider finds what an earlier run
 * published, so a resumed drop publishes nothing twice.
 */
import { KilnError } from '../../core/errors.js';
import { scoped } from '../../core/events.js';
import { expandTags, tagPlaceholderValues, type DropPublishEc2 } from '../../compose/index.js';
import type { DropContext } from './context.js';
import type { PlannedItem } from './plan.js';

export async function publishStep(d: DropContext, item: PlannedItem, ec2: DropPublishEc2, signal: AbortSignal): Promise<void> {
  const emit = scoped(d.res.ctx.emit, item.id);
  const record = d.recorder.item(item.id);
  const raw = record.outputs.find((o) => o.target === 'ec2');
  if (!raw) throw new KilnError('DROP_NO_EC2_OUTPUT', `${item.id}: no ec2 output to publish`, { fault: 'kiln' });
  const { publishEc2 } = await import('../../providers/aws/index.js');
  const tags = expandTags(ec2.tags, tagPlaceholderValues(d.compose, item.image, item.arch));
  const result = await publishEc2({
    image: raw.work,
    name: item.stem,
    description: `${d.compose.release.name} ${item.image.name} ${item.version}-${item.release} (${d.compose.id})`,
    arch: item.arch === 'i686' ? 'i386' : 'x86_64',
    regions: ec2.regions,
    endpointUrl: ec2.endpointUrl,
    profile: ec2.profile,
    public: ec2.public,
    tags,
    compose: d.compose.id,
    sha256: raw.sha256,
    bootMode: raw.bootMode,
    emit,
    signal,
  });
  record.amis = result.images.map((i) => ({ region: i.region, imageId: i.imageId, snapshotId: i.snapshotId, public: i.public, ...(raw.bootMode ? { bootMode: raw.bootMode } : {}) }));
  await d.recorder.save();
}
