/**
 * The AWS provider: the only part of kiln that imports @aws-sdk. Callers (the CLI, `kiln
 * build/target`) use `publishEc2` / `isPublishedEc2`, or the provider object, and see no SDK type.
 */
import { isPublishedEc2, publishEc2 } from './publish-ec2.js';
import type { PublishEc2Options, PublishResult } from './types.js';

/** The publish half of a provider (STYLE.md habit 5): a re-run checks `isPublished` first. */
export interface ImagePublisher<Options, Result> {
  readonly name: string;
  /** What is already published for these options, or undefined. Creates nothing. */
  isPublished(options: Options): Promise<Result | undefined>;
  /** Publishes (idempotent: reuses what exists, resumes what was interrupted). */
  publish(options: Options): Promise<Result>;
}

export const ec2Publisher: ImagePublisher<PublishEc2Options, PublishResult> = {
  name: 'ec2',
  isPublished: isPublishedEc2,
  publish: publishEc2,
};

export { publishEc2, isPublishedEc2 };
export { ec2Arch, AMI_NAME } from './validate.js';
export { formatPublishTable } from './format.js';
export { createAwsClients, type AwsClients, type ClientSettings } from './clients.js';
export * from './types.js';
