import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutSnapshotBlockCommand } from '@aws-sdk/client-ebs';
import { CopyImageCommand, CreateTagsCommand, DeleteSnapshotCommand, DeregisterImageCommand, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { publishEc2 } from '../../../src/providers/aws/index.js';
import { TAG, type PublishEc2Options } from '../../../src/providers/aws/types.js';
import { BLOCK, MiB, makeSparseImage, tempDir } from './helpers.js';
import { awsError, ebsMock, ec2Mock, fastTiming, installAccount, mockedClients, type FakeAccount } from './mock-aws.js';

let dir: string;
let cleanup: () => Promise<void>;
let image: string;
let account: FakeAccount;
const SHA = 'a'.repeat(64);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'disk.raw', 32 * MiB, [{ offset: 0, length: 4 * BLOCK }]);
});
afterAll(() => cleanup());
beforeEach(() => {
  account = installAccount();
});

const options = (extra: Partial<PublishEc2Options> = {}): PublishEc2Options => ({
  image, name: 'cleanup-test', arch: 'x86_64', regions: ['us-east-1'], sha256: SHA, clients: mockedClients(), timing: fastTiming, ...extra,
});

describe('no orphans', () => {
  it('deletes the snapshot it uploaded when RegisterImage fails', async () => {
    ec2Mock.on(RegisterImageCommand).rejects(awsError('UnauthorizedOperation', 403));
    const error = await publishEc2(options()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_ACCESS_DENIED', details: expect.not.arrayContaining([expect.stringContaining('left behind')]) });
    const snapshotId = account.snapshots[0]!.SnapshotId!;
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteSnapshotCommand, { SnapshotId: snapshotId });
    expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
  });

  it('deregisters the AMI and copies, then deletes their snapshots, when one region copy fails', async () => {
    const copy = ec2Mock.on(CopyImageCommand);
    let calls = 0;
    copy.callsFake(async (input, getClient) => {
      calls++;
      const region = await getClient().config.region();
      if (region === 'ap-southeast-2') throw awsError('InvalidParameterValue');
      account.log.push(`CopyImage:${region}:ami-copy`);
      account.images.push({ region, ImageId: 'ami-copy', Name: input.Name, State: 'available', RootDeviceName: '/dev/xvda', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-copy' } }] } as never);
      return { ImageId: 'ami-copy' };
    });
    await expect(publishEc2(options({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }))).rejects.toMatchObject({ message: expect.stringContaining('ap-southeast-2') });
    expect(calls).toBe(2);
    const sourceAmi = account.images.find((i) => i.region === 'us-east-1')!.ImageId!;
    const sourceSnap = account.snapshots[0]!.SnapshotId!;
    const cleanupLog = account.log.filter((l) => /^(DeregisterImage|DeleteSnapshot)/.test(l));
    // AMIs first (they hold their snapshots), then the snapshots.
    expect(cleanupLog.slice(0, 2).sort()).toEqual([`DeregisterImage:${sourceAmi}`, 'DeregisterImage:ami-copy'].sort());
    expect(cleanupLog.slice(2).sort()).toEqual([`DeleteSnapshot:${sourceSnap}`, 'DeleteSnapshot:snap-copy'].sort());
  });

  it('tags what it cannot delete kiln:orphan and lists it in the error', async () => {
    ec2Mock.on(RegisterImageCommand).rejects(awsError('InvalidParameterValue'));
    ec2Mock.on(DeleteSnapshotCommand).rejects(awsError('UnauthorizedOperation', 403));
    const error = (await publishEc2(options()).catch((e: unknown) => e)) as { code: string; details: string[]; hint: string };
    const snapshotId = account.snapshots[0]!.SnapshotId!;
    expect(error.code).toBe('AWS_REQUEST_FAILED');
    expect(error.details).toContainEqual(expect.stringMatching(new RegExp(`left behind: snapshot ${snapshotId} \\(us-east-1\\) \\(tagged kiln:orphan\\)`)));
    expect(error.hint).toContain('kiln:orphan');
    expect(ec2Mock).toHaveReceivedCommandWith(CreateTagsCommand, { Resources: [snapshotId], Tags: [{ Key: TAG.orphan, Value: expect.stringContaining('UnauthorizedOperation') }] });
  });

  it('cleans up when interrupted in the middle of the upload', async () => {
    const controller = new AbortController();
    ebsMock.on(PutSnapshotBlockCommand).callsFake(() => {
      controller.abort(new Error('Ctrl-C'));
      return {};
    });
    await expect(publishEc2(options({ signal: controller.signal }))).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteSnapshotCommand, { SnapshotId: account.snapshots[0]!.SnapshotId });
  });

  it('gives up on a block that keeps failing and deletes the snapshot', async () => {
    ebsMock.on(PutSnapshotBlockCommand).rejects(awsError('InternalServerException', 500));
    await expect(publishEc2(options())).rejects.toMatchObject({ code: 'EBS_BLOCK_UPLOAD_FAILED' });
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteSnapshotCommand, { SnapshotId: account.snapshots[0]!.SnapshotId });
  });
});
