/**
 * RegisterImage: an HVM AMI whose root device is the uploaded snapshot, with the options EC2 cloud
 * images need (ENA, SR-IOV, boot mode, IMDSv2), tagged like the snapshot.
 */
import { RegisterImageCommand, type EC2Client, type RegisterImageCommandInput, type VolumeType } from '@aws-sdk/client-ec2';
import { KilnError, interruptedError } from '../../core/errors.js';
import { abortable, afterGrace } from './abort.js';
import { awsError } from './aws-errors.js';
import type { Tag } from './tags.js';
import type { BootMode, Ec2Arch } from './types.js';

export interface RegisterInput {
  name: string;
  description?: string;
  arch: Ec2Arch;
  snapshotId: string;
  rootDeviceName: string;
  volumeType: string;
  volumeSizeGiB?: number;
  ena: boolean;
  sriov: boolean;
  bootMode?: BootMode;
  imdsV2: boolean;
  tags: Tag[];
}

/** The RegisterImage request (exported so tests can compare it whole). */
export function registerRequest(input: RegisterInput): RegisterImageCommandInput {
  return {
    Name: input.name,
    Description: input.description,
    Architecture: input.arch,
    VirtualizationType: 'hvm',
    RootDeviceName: input.rootDeviceName,
    BlockDeviceMappings: [
      {
        DeviceName: input.rootDeviceName,
        Ebs: {
          SnapshotId: input.snapshotId,
          VolumeType: input.volumeType as VolumeType,
          DeleteOnTermination: true,
          ...(input.volumeSizeGiB !== undefined ? { VolumeSize: input.volumeSizeGiB } : {}),
        },
      },
    ],
    EnaSupport: input.ena,
    ...(input.sriov ? { SriovNetSupport: 'simple' } : {}),
    ...(input.bootMode ? { BootMode: input.bootMode } : {}),
    ...(input.imdsV2 ? { ImdsSupport: 'v2.0' } : {}),
    TagSpecifications: [{ ResourceType: 'image', Tags: input.tags }],
  };
}

/** Aborted only after a grace (abort.ts): once asked, the id should come back so a failed run can deregister it. */
export async function registerImage(ec2: EC2Client, region: string, input: RegisterInput, signal?: AbortSignal): Promise<string> {
  let imageId: string | undefined;
  try {
    const out = await ec2.send(new RegisterImageCommand(registerRequest(input)), abortable(afterGrace(signal)));
    imageId = out.ImageId;
  } catch (error) {
    if (signal?.aborted) throw interruptedError(signal.reason);
    throw awsError(error, `RegisterImage '${input.name}' in ${region}`);
  }
  if (!imageId) throw new KilnError('EC2_BAD_RESPONSE', 'RegisterImage returned no image id', { fault: 'external' });
  return imageId;
}
