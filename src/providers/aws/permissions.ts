/**
 * --public: launch permission `all` on the AMI and create-volume permission `all` on its snapshot,
 * so anyone can launch it and anyone can make a volume of it. Both calls are idempotent on EC2's
 * side; an AMI already public is left alone.
 */
import { ModifyImageAttributeCommand, ModifySnapshotAttributeCommand } from '@aws-sdk/client-ec2';
import { interruptedError } from '../../core/errors.js';
import { abortable } from './abort.js';
import { awsError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import type { RegionImage } from './types.js';

const PUBLIC_HINT =
  "EC2 refuses public AMIs while the account's 'block public access for AMIs' setting is on, and never shares encrypted snapshots publicly.";

export async function makePublic(clients: AwsClients, image: RegionImage, signal?: AbortSignal): Promise<RegionImage> {
  const ec2 = clients.ec2(image.region);
  if (!image.public) {
    try {
      await ec2.send(new ModifyImageAttributeCommand({ ImageId: image.imageId, LaunchPermission: { Add: [{ Group: 'all' }] } }), abortable(signal));
    } catch (error) {
      if (signal?.aborted) throw interruptedError(signal.reason);
      throw awsError(error, `making ${image.imageId} public in ${image.region}`, PUBLIC_HINT);
    }
  }
  if (image.snapshotId) {
    try {
      await ec2.send(new ModifySnapshotAttributeCommand({ SnapshotId: image.snapshotId, Attribute: 'createVolumePermission', OperationType: 'add', GroupNames: ['all'] }), abortable(signal));
    } catch (error) {
      if (signal?.aborted) throw interruptedError(signal.reason);
      throw awsError(error, `making snapshot ${image.snapshotId} public in ${image.region}`, PUBLIC_HINT);
    }
  }
  return { ...image, public: true };
}
