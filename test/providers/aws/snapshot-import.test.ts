import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StartSnapshotCommand } from '@aws-sdk/client-ebs';
import { CreateTagsCommand, DescribeImportSnapshotTasksCommand, ImportSnapshotCommand, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { collect } from '../../../src/core/events.js';
import { publishEc2 } from '../../../src/providers/aws/index.js';
import { TAG, type PublishEc2Options } from '../../../src/providers/aws/types.js';
import { MiB, makeSparseImage, tempDir } from './helpers.js';
import { ebsMock, ec2Mock, fastTiming, installAccount, mockedClients, s3Mock, type FakeAccount } from './mock-aws.js';

let dir: string;
let cleanup: () => Promise<void>;
let image: string;
let account: FakeAccount;
const SHA = 'b'.repeat(64);
const KEY = `kiln-import/${SHA}/disk.raw`;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'disk.raw', 8 * MiB, [{ offset: MiB, length: MiB }]);
});
afterAll(() => cleanup());
beforeEach(() => {
  account = installAccount();
  s3Mock.on(PutObjectCommand).resolves({ ETag: '"x"' });
  s3Mock.on(DeleteObjectCommand).resolves({});
  ec2Mock.on(ImportSnapshotCommand).resolves({ ImportTaskId: 'import-snap-1' });
});

const options = (extra: Partial<PublishEc2Options> = {}): PublishEc2Options => ({
  image, name: 'import-test', arch: 'i386', regions: ['us-east-1'], method: 'import-snapshot', bucket: 'my-bucket', sha256: SHA,
  clients: mockedClients(), timing: fastTiming, ...extra,
});

describe('--method import-snapshot', () => {
  it('uploads to S3, imports, reports progress, tags the snapshot, deletes the S3 object', async () => {
    ec2Mock
      .on(DescribeImportSnapshotTasksCommand)
      .resolvesOnce({ ImportSnapshotTasks: [{ ImportTaskId: 'import-snap-1', SnapshotTaskDetail: { Status: 'active', Progress: '30', StatusMessage: 'converting' } }] })
      .resolves({ ImportSnapshotTasks: [{ ImportTaskId: 'import-snap-1', SnapshotTaskDetail: { Status: 'completed', SnapshotId: 'snap-imported' } }] });
    account.snapshots.push({ region: 'us-east-1', SnapshotId: 'snap-imported', State: 'completed' });
    const { emit, events } = collect();
    const result = await publishEc2(options({ emit }));

    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'my-bucket', Key: KEY });
    expect(ec2Mock).toHaveReceivedCommandWith(ImportSnapshotCommand, {
      DiskContainer: expect.objectContaining({ Format: 'RAW', UserBucket: { S3Bucket: 'my-bucket', S3Key: KEY } }),
      ClientToken: expect.any(String),
      TagSpecifications: [{ ResourceType: 'import-snapshot-task', Tags: expect.arrayContaining([{ Key: TAG.sha256, Value: SHA }]) }],
    });
    expect(ec2Mock).toHaveReceivedCommandWith(CreateTagsCommand, { Resources: ['snap-imported'], Tags: expect.arrayContaining([{ Key: TAG.sha256, Value: SHA }, { Key: TAG.upload, Value: 'complete' }]) });
    expect(ec2Mock).toHaveReceivedCommandWith(RegisterImageCommand, { Architecture: 'i386' });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'my-bucket', Key: KEY });
    expect(ebsMock).not.toHaveReceivedCommand(StartSnapshotCommand);
    expect(events).toContainEqual(expect.objectContaining({ type: 'progress', task: 'import import-snap-1', done: 30, total: 100 }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'progress', unit: 'bytes', done: 8 * MiB, total: 8 * MiB }));
    expect(result.snapshot).toMatchObject({ id: 'snap-imported', state: 'created', upload: { bytesSent: 8 * MiB } });
  });

  it('deletes the S3 object when the import fails, and says why', async () => {
    ec2Mock.on(DescribeImportSnapshotTasksCommand).resolves({
      ImportSnapshotTasks: [{ ImportTaskId: 'import-snap-1', SnapshotTaskDetail: { Status: 'deleted', StatusMessage: 'ClientError: Disk validation failed' } }],
    });
    await expect(publishEc2(options())).rejects.toMatchObject({ code: 'EC2_IMPORT_FAILED', message: expect.stringContaining('Disk validation failed') });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'my-bucket', Key: KEY });
    expect(ec2Mock).not.toHaveReceivedCommand(RegisterImageCommand);
  });

  it('a bucket that does not exist: the error says so, and nothing is reported left behind', async () => {
    const noBucket = Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    s3Mock.on(PutObjectCommand).rejects(noBucket);
    s3Mock.on(DeleteObjectCommand).rejects(noBucket);
    const { emit, events } = collect();
    const error = await publishEc2(options({ emit })).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringContaining('bucket does not exist') });
    expect(JSON.stringify(error)).not.toContain('left behind');
    expect(events.filter((e) => e.type === 'message' && (e.code === 'AWS_ORPHAN' || e.code === 'AWS_CLEANED_UP'))).toEqual([]);
    expect(ec2Mock).not.toHaveReceivedCommand(RegisterImageCommand);
  });

  it('tags the S3 object kiln:orphan when it cannot be deleted', async () => {
    ec2Mock
      .on(DescribeImportSnapshotTasksCommand)
      .resolves({ ImportSnapshotTasks: [{ ImportTaskId: 'import-snap-1', SnapshotTaskDetail: { Status: 'completed', SnapshotId: 'snap-imported' } }] });
    account.snapshots.push({ region: 'us-east-1', SnapshotId: 'snap-imported', State: 'completed' });
    s3Mock.on(DeleteObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const { emit, events } = collect();
    await publishEc2(options({ emit }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'message', level: 'warn', code: 'AWS_ORPHAN', text: expect.stringContaining(`s3://my-bucket/${KEY}`) }));
  });
});
