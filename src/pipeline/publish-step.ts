/**
 * The publish step of a job: an EC2 raw image (a file given by the user, or the ec2 output the
 * job's targets just made) uploaded as an EBS snapshot and registered as an AMI in every region
 * asked. The AWS provider is imported only here, and only when a job publishes.
 */
import { KilnError, usageError } from '../core/errors.js';
import type { TargetsRecord } from '../targets/types.js';
import type { Ec2Arch, PublishEc2Options, PublishResult } from '../providers/aws/types.js';
import type { JobResources } from './resources.js';
import { join, dirname } from 'node:path';

export type Ec2PublishRequest = Omit<PublishEc2Options, 'emit' | 'signal' | 'clients' | 'image' | 'arch'> & {
  /** The raw image; default: the job's ec2 output. */
  image?: string;
  /** Default: the ec2 output's architecture. */
  arch?: Ec2Arch;
};

export interface PublishRequest {
  ec2: Ec2PublishRequest;
}

export interface PublishOutcome {
  ec2: PublishResult;
}

export async function publishStep(request: PublishRequest, targets: TargetsRecord | undefined, res: JobResources): Promise<PublishOutcome> {
  const { publishEc2 } = await import('../providers/aws/index.js');
  const r = request.ec2;
  let image = r.image;
  let arch = r.arch;
  let bootMode = r.bootMode;
  let sha256 = r.sha256;
  if (!image) {
    const out = targets?.outputs.find((o) => o.target === 'ec2');
    if (!out || !targets) {
      throw new KilnError('PUBLISH_NO_IMAGE', 'nothing to publish: the job made no ec2 output', { fault: 'user', hint: 'Add the ec2 target, or give the image to publish.' });
    }
    image = join(dirname(targets.recordFile), out.file);
    arch ??= out.ec2?.architecture;
    bootMode ??= out.ec2?.bootMode;
    sha256 ??= out.sha256;
  }
  if (!arch) throw usageError('the architecture of the image to publish is unknown', 'Give --arch x86_64 or --arch i386.');
  const ec2 = await publishEc2({ ...r, image, arch, bootMode, sha256, emit: res.ctx.emit, signal: res.ctx.signal });
  return { ec2 };
}
