/**
 * aws-sdk-client-mock set-up shared by the publisher tests: a small in-memory "account" behind the
 * mocked EBS, EC2 and S3 clients, so each test only overrides the calls it is about.
 */
import { createHash } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { CompleteSnapshotCommand, EBSClient, PutSnapshotBlockCommand, StartSnapshotCommand } from '@aws-sdk/client-ebs';
import {
  CopyImageCommand, CreateTagsCommand, DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, DescribeSnapshotsCommand,
  EC2Client, ModifyImageAttributeCommand, ModifySnapshotAttributeCommand, RegisterImageCommand, type Image, type Snapshot,
} from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { createAwsClients } from '../../../src/providers/aws/clients.js';
import type { PublishTiming } from '../../../src/providers/aws/types.js';

export const ebsMock = mockClient(EBSClient);
export const ec2Mock = mockClient(EC2Client);
export const s3Mock = mockClient(S3Client);

export const fastTiming: Partial<PublishTiming> = { pollMs: 1, backoffBaseMs: 1, backoffMaxMs: 2, requestTimeoutMs: 2_000, attempts: 4 };

export function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} (mock)`), { name, $metadata: { httpStatusCode: status } });
}

export type RegionImage = Image & { region: string };
export type RegionSnapshot = Snapshot & { region: string };

export interface FakeAccount {
  /** Every mocked call, in order: 'Op' or 'Op:detail'. */
  log: string[];
  /** Block index → what PutSnapshotBlock received (data hashed at call time: the buffer is reused). */
  blocks: Map<number, { snapshotId: string; checksum: string; actual: string; length: number }>;
  images: RegionImage[];
  snapshots: RegionSnapshot[];
}

type Getter = () => { config: { region: unknown } };
async function regionOf(getClient: Getter): Promise<string> {
  const r = getClient().config.region;
  return typeof r === 'function' ? await (r as () => Promise<string>)() : String(r);
}

/** Resets the mocks and installs a happy account: nothing exists, everything succeeds at once. */
export function installAccount(): FakeAccount {
  ebsMock.reset();
  ec2Mock.reset();
  s3Mock.reset();
  const account: FakeAccount = { log: [], blocks: new Map(), images: [], snapshots: [] };
  let next = 0;
  const id = (prefix: string) => `${prefix}-${(++next).toString().padStart(8, '0')}`;
  ebsMock.on(StartSnapshotCommand).callsFake(async (input, getClient) => {
    const snapshotId = id('snap');
    account.log.push(`StartSnapshot:${snapshotId}`);
    account.snapshots.push({ region: await regionOf(getClient), SnapshotId: snapshotId, State: 'pending', Tags: input.Tags, VolumeSize: input.VolumeSize, Encrypted: Boolean(input.Encrypted) });
    return { SnapshotId: snapshotId, BlockSize: 524288, Status: 'pending' };
  });
  ebsMock.on(PutSnapshotBlockCommand).callsFake((input) => {
    const data = input.BlockData as Buffer;
    account.log.push('PutSnapshotBlock');
    account.blocks.set(input.BlockIndex, {
      snapshotId: input.SnapshotId,
      checksum: input.Checksum,
      actual: createHash('sha256').update(data).digest('base64'),
      length: data.length,
    });
    return {};
  });
  ebsMock.on(CompleteSnapshotCommand).callsFake((input) => {
    account.log.push(`CompleteSnapshot:${input.SnapshotId}`);
    const snap = account.snapshots.find((s) => s.SnapshotId === input.SnapshotId);
    if (snap) snap.State = 'completed';
    return { Status: 'completed' };
  });
  ec2Mock.on(DescribeSnapshotsCommand).callsFake(async (input, getClient) => {
    const region = await regionOf(getClient);
    account.log.push('DescribeSnapshots');
    const here = account.snapshots.filter((s) => s.region === region);
    if (input.SnapshotIds) return { Snapshots: here.filter((s) => input.SnapshotIds.includes(s.SnapshotId!)) };
    const filter = input.Filters[0] as { Name: string; Values: string[] };
    return { Snapshots: here.filter((s) => s.Tags?.some((t) => `tag:${t.Key}` === filter.Name && filter.Values.includes(t.Value!))) };
  });
  ec2Mock.on(DescribeImagesCommand).callsFake(async (input, getClient) => {
    const region = await regionOf(getClient);
    account.log.push('DescribeImages');
    const here = account.images.filter((i) => i.region === region);
    if (input.ImageIds) return { Images: here.filter((i) => input.ImageIds.includes(i.ImageId!)) };
    const name = (input.Filters as { Name: string; Values: string[] }[]).find((f) => f.Name === 'name')?.Values[0];
    return { Images: here.filter((i) => i.Name === name) };
  });
  ec2Mock.on(CreateTagsCommand).callsFake((input) => {
    account.log.push(`CreateTags:${input.Resources.join(',')}:${(input.Tags as { Key: string }[]).map((t) => t.Key).join(',')}`);
    return {};
  });
  ec2Mock.on(RegisterImageCommand).callsFake(async (input, getClient) => {
    const imageId = id('ami');
    account.log.push(`RegisterImage:${imageId}`);
    account.images.push({
      region: await regionOf(getClient), ImageId: imageId, Name: input.Name, State: 'available', RootDeviceName: input.RootDeviceName,
      BlockDeviceMappings: input.BlockDeviceMappings, Tags: input.TagSpecifications?.[0]?.Tags, Public: false,
    });
    return { ImageId: imageId };
  });
  ec2Mock.on(CopyImageCommand).callsFake(async (input, getClient) => {
    const region = await regionOf(getClient);
    const imageId = id('ami');
    const snapshotId = id('snap');
    account.log.push(`CopyImage:${region}:${imageId}`);
    account.images.push({
      region, ImageId: imageId, Name: input.Name, State: 'available', RootDeviceName: '/dev/xvda',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snapshotId } }], Tags: input.TagSpecifications?.[0]?.Tags, Public: false,
    });
    return { ImageId: imageId };
  });
  ec2Mock.on(ModifyImageAttributeCommand).callsFake((input) => {
    account.log.push(`ModifyImageAttribute:${input.ImageId}`);
    return {};
  });
  ec2Mock.on(ModifySnapshotAttributeCommand).callsFake((input) => {
    account.log.push(`ModifySnapshotAttribute:${input.SnapshotId}`);
    return {};
  });
  ec2Mock.on(DeregisterImageCommand).callsFake((input) => {
    account.log.push(`DeregisterImage:${input.ImageId}`);
    return {};
  });
  ec2Mock.on(DeleteSnapshotCommand).callsFake((input) => {
    account.log.push(`DeleteSnapshot:${input.SnapshotId}`);
    return {};
  });
  return account;
}

/** Real SDK clients (their `send` is mocked above). */
export function mockedClients() {
  return createAwsClients({});
}

/** Names of the calls that create something in AWS. */
export const CREATING = ['StartSnapshot', 'PutSnapshotBlock', 'CompleteSnapshot', 'RegisterImage', 'CopyImage', 'CreateTags', 'ImportSnapshot', 'PutObject', 'CreateMultipartUpload'];

export function createdSomething(log: string[]): string[] {
  return log.filter((entry) => CREATING.includes(entry.split(':')[0]!));
}
