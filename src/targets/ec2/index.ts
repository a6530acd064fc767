/**
 * ec2: a sparse raw disk ready to become an EBS snapshot, prepared for EC2 (Ec2 datasource,
 * serial console, drivers checked, root locked, no SSH passwords), plus what the upload stage
 * needs to register the AMI.
 */
import { usageError } from '../../core/errors.js';
import { linkOrCopy } from '../../image/link-or-copy.js';
import { hashWrittenFile } from '../../image/hash-written.js';
import type { Target } from '../types.js';
import { ec2Facts, ec2Prep } from './facts.js';

export type Ec2Options = Record<string, never>;

export const ec2Target: Target<Ec2Options> = {
  name: 'ec2',
  summary: 'raw disk for an EBS snapshot / AMI (cloud-init Ec2, console=ttyS0, xen-blkfront/nvme/ena checked)',
  extension: () => 'raw',
  options(raw) {
    const unknown = Object.keys(raw ?? {});
    if (unknown.length > 0) throw usageError(`the ec2 target has no option ${unknown[0]}`);
    return {};
  },
  tools: () => ['qemu-img', 'cp'],
  prep: (arch) => ec2Prep(arch),
  async build(ctx) {
    const raw = await ctx.image.raw();
    // A hard link: the raw made from the prepared overlay becomes the output without a copy.
    await linkOrCopy(raw, ctx.outputPath, ctx.signal);
    const { sha256, bytes } = await hashWrittenFile(ctx.outputPath, { sparse: true, signal: ctx.signal });
    return { sha256, size: bytes, format: 'raw', ec2: ec2Facts(ctx.arch, ctx.image.report, ctx.base.record.boot) };
  },
};
