import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CompleteSnapshotCommand, PutSnapshotBlockCommand, StartSnapshotCommand } from '@aws-sdk/client-ebs';
import { CopyImageCommand, ModifyImageAttributeCommand, ModifySnapshotAttributeCommand, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { sha256File } from '../../../src/core/hash.js';
import { collect } from '../../../src/core/events.js';
import { isPublishedEc2, publishEc2, ec2Publisher } from '../../../src/providers/aws/index.js';
import { TAG, type PublishEc2Options } from '../../../src/providers/aws/types.js';
import { BLOCK, MiB, independentBlockSha, independentLinear, makeSparseImage, tempDir } from './helpers.js';
import { awsError, createdSomething, ebsMock, ec2Mock, fastTiming, installAccount, mockedClients, type FakeAccount } from './mock-aws.js';

let dir: string;
let cleanup: () => Promise<void>;
let image: string;
let sha: string;
let account: FakeAccount;
// Data in blocks 2–3 and 100; the rest of the 96 MiB image is a hole.
const DATA_BLOCKS = [2, 3, 100];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'disk.raw', 96 * MiB, [
    { offset: 2 * BLOCK, length: 2 * BLOCK },
    { offset: 100 * BLOCK + 4096, length: 8192 },
  ]);
  sha = await sha256File(image);
});
afterAll(() => cleanup());
beforeEach(() => {
  account = installAccount();
});

function options(extra: Partial<PublishEc2Options> = {}): PublishEc2Options {
  return { image, name: 'Fedora-Cloud-Base-19-Beta', arch: 'x86_64', regions: ['us-east-1'], clients: mockedClients(), timing: fastTiming, ...extra };
}

function seedImage(region: string, imageId: string, snapshotId: string, tagSha = sha, state = 'available') {
  account.images.push({
    region, ImageId: imageId, Name: 'Fedora-Cloud-Base-19-Beta', State: state as 'available', RootDeviceName: '/dev/xvda', Public: true,
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snapshotId } }], Tags: [{ Key: TAG.sha256, Value: tagSha }],
  });
}

describe('publishEc2: a first run', () => {
  it('uploads only the data blocks with independent checksums, completes with the LINEAR aggregate, registers, copies, makes public', async () => {
    const { emit, events } = collect();
    const result = await publishEc2(
      options({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], public: true, bootMode: 'uefi-preferred', imdsV2: true, tags: { milestone: 'Beta' }, compose: 'Fedora-Cloud-19-20261126.0', emit }),
    );

    // Upload: StartSnapshot → blocks → CompleteSnapshot, in that order, before RegisterImage.
    const ops = account.log.map((l) => l.split(':')[0]);
    expect(ops.indexOf('StartSnapshot')).toBeLessThan(ops.indexOf('PutSnapshotBlock'));
    expect(ops.lastIndexOf('PutSnapshotBlock')).toBeLessThan(ops.indexOf('CompleteSnapshot'));
    expect(ops.indexOf('CompleteSnapshot')).toBeLessThan(ops.indexOf('RegisterImage'));
    expect(ops.indexOf('RegisterImage')).toBeLessThan(ops.indexOf('CopyImage'));

    expect(ebsMock).toHaveReceivedCommandOnce(StartSnapshotCommand);
    expect(ebsMock).toHaveReceivedCommandWith(StartSnapshotCommand, {
      VolumeSize: 1,
      ClientToken: expect.any(String),
      Tags: expect.arrayContaining([{ Key: TAG.sha256, Value: sha }, { Key: 'milestone', Value: 'Beta' }, { Key: 'Name', Value: 'Fedora-Cloud-Base-19-Beta' }, { Key: TAG.compose, Value: 'Fedora-Cloud-19-20261126.0' }]),
    });
    expect([...account.blocks.keys()].sort((a, b) => a - b)).toEqual(DATA_BLOCKS);
    for (const [index, block] of account.blocks) {
      expect(block.length).toBe(BLOCK);
      expect(block.checksum).toBe(block.actual);
      expect(block.checksum).toBe(independentBlockSha(image, index));
    }
    expect(ebsMock).toHaveReceivedCommandWith(PutSnapshotBlockCommand, { ChecksumAlgorithm: 'SHA256', DataLength: BLOCK });
    expect(ebsMock).toHaveReceivedCommandWith(CompleteSnapshotCommand, {
      ChangedBlocksCount: DATA_BLOCKS.length,
      Checksum: independentLinear(image, DATA_BLOCKS),
      ChecksumAlgorithm: 'SHA256',
      ChecksumAggregationMethod: 'LINEAR',
    });

    const snapshotId = result.snapshot.id;
    expect(ec2Mock).toHaveReceivedCommandWith(RegisterImageCommand, {
      Name: 'Fedora-Cloud-Base-19-Beta',
      Architecture: 'x86_64',
      VirtualizationType: 'hvm',
      RootDeviceName: '/dev/xvda',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snapshotId, VolumeType: 'gp3', DeleteOnTermination: true } }],
      EnaSupport: true,
      SriovNetSupport: 'simple',
      BootMode: 'uefi-preferred',
      ImdsSupport: 'v2.0',
      TagSpecifications: [{ ResourceType: 'image', Tags: expect.arrayContaining([{ Key: TAG.sha256, Value: sha }]) }],
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(CopyImageCommand, 2);
    expect(ec2Mock).toHaveReceivedCommandWith(CopyImageCommand, {
      SourceRegion: 'us-east-1',
      SourceImageId: result.images[0]!.imageId,
      Name: 'Fedora-Cloud-Base-19-Beta',
      TagSpecifications: [
        { ResourceType: 'image', Tags: expect.arrayContaining([{ Key: TAG.sha256, Value: sha }]) },
        { ResourceType: 'snapshot', Tags: expect.arrayContaining([{ Key: TAG.sha256, Value: sha }]) },
      ],
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyImageAttributeCommand, 3);
    expect(ec2Mock).toHaveReceivedCommandWith(ModifyImageAttributeCommand, { LaunchPermission: { Add: [{ Group: 'all' }] } });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifySnapshotAttributeCommand, 3);
    expect(ec2Mock).toHaveReceivedCommandWith(ModifySnapshotAttributeCommand, { SnapshotId: snapshotId, Attribute: 'createVolumePermission', OperationType: 'add', GroupNames: ['all'] });
    expect(account.log).toContain(`CreateTags:${snapshotId}:${TAG.upload}`);

    expect(result).toMatchObject({
      sha256: sha,
      sourceRegion: 'us-east-1',
      snapshot: { id: snapshotId, state: 'created', upload: { blocksSent: 3, bytesSent: 3 * BLOCK, blocksTotal: 192, blocksSkipped: 189 } },
    });
    expect(result.images.map((i) => [i.region, i.state, i.public])).toEqual([
      ['us-east-1', 'created', true],
      ['eu-west-1', 'created', true],
      ['ap-southeast-2', 'created', true],
    ]);
    expect(events.some((e) => e.type === 'progress' && e.unit === 'bytes' && e.done === 3 * BLOCK && e.detail?.includes('3/3 blocks'))).toBe(true);
    expect(events.filter((e) => e.type === 'phase' && e.state === 'end').map((e) => (e as { phase: string }).phase)).toEqual(['validate', 'hash', 'upload', 'register', 'copy', 'public']);
  });

  it('sends every block of an encrypted snapshot, holes included', async () => {
    const result = await publishEc2(options({ encrypted: true, sha256: sha }));
    expect(ebsMock).toHaveReceivedCommandWith(StartSnapshotCommand, { Encrypted: true });
    expect(account.blocks.size).toBe(192);
    expect(account.blocks.get(50)!.checksum).toBe(independentBlockSha(image, 50));
    expect(ebsMock).toHaveReceivedCommandWith(CompleteSnapshotCommand, { ChangedBlocksCount: 192 });
    expect(result.snapshot.upload).toMatchObject({ blocksSent: 192, blocksSkipped: 0 });
  });

  it('retries throttled and failed EBS calls through the real SDK client', async () => {
    ebsMock.on(StartSnapshotCommand).rejectsOnce(awsError('InternalServerException', 500)).resolves({ SnapshotId: 'snap-retry', BlockSize: BLOCK });
    account.snapshots.push({ region: 'us-east-1', SnapshotId: 'snap-retry', State: 'completed' });
    ebsMock.on(PutSnapshotBlockCommand).rejectsOnce(awsError('RequestThrottledException')).resolves({});
    ebsMock.on(CompleteSnapshotCommand).rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).resolves({ Status: 'completed' });
    const result = await publishEc2(options({ sha256: sha }));
    expect(result.snapshot.id).toBe('snap-retry');
    expect(ebsMock).toHaveReceivedCommandTimes(StartSnapshotCommand, 2);
    expect(ebsMock).toHaveReceivedCommandTimes(PutSnapshotBlockCommand, DATA_BLOCKS.length + 1);
    expect(ebsMock).toHaveReceivedCommandTimes(CompleteSnapshotCommand, 2);
    // Both StartSnapshot attempts carry the same ClientToken, so EBS returns one snapshot.
    const tokens = ebsMock.commandCalls(StartSnapshotCommand).map((c) => c.args[0].input.ClientToken);
    expect(new Set(tokens).size).toBe(1);
  });
});

describe('publishEc2: idempotent re-runs', () => {
  it('creates nothing when every region already has the AMI with this sha256', async () => {
    seedImage('us-east-1', 'ami-src', 'snap-src');
    seedImage('eu-west-1', 'ami-eu', 'snap-eu');
    const result = await publishEc2(options({ regions: ['us-east-1', 'eu-west-1'], public: true }));
    expect(createdSomething(account.log)).toEqual([]);
    expect(ec2Mock).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
    expect(result.images).toEqual([
      { region: 'us-east-1', imageId: 'ami-src', snapshotId: 'snap-src', state: 'reused', public: true },
      { region: 'eu-west-1', imageId: 'ami-eu', snapshotId: 'snap-eu', state: 'reused', public: true },
    ]);
    expect(await isPublishedEc2(options({ regions: ['us-east-1', 'eu-west-1'], public: true }))).toMatchObject({ images: result.images });
    expect(ec2Publisher.name).toBe('ec2');
  });

  it('copies only to the regions that lack the AMI', async () => {
    seedImage('us-east-1', 'ami-src', 'snap-src');
    const result = await publishEc2(options({ regions: ['us-east-1', 'eu-west-1'] }));
    expect(createdSomething(account.log)).toEqual([expect.stringMatching(/^CopyImage:eu-west-1:/)]);
    expect(result.images.map((i) => i.state)).toEqual(['reused', 'created']);
    expect(await isPublishedEc2(options({ regions: ['us-east-1', 'ap-southeast-2'] }))).toBeUndefined();
  });

  it('refuses an AMI name that holds another image, creating nothing', async () => {
    seedImage('us-east-1', 'ami-other', 'snap-other', 'f'.repeat(64));
    await expect(publishEc2(options())).rejects.toMatchObject({ code: 'AMI_NAME_TAKEN' });
    expect(createdSomething(account.log)).toEqual([]);
  });

  it('reuses a completed snapshot with this sha256 (an interrupted run after the upload)', async () => {
    account.snapshots.push({ region: 'us-east-1', SnapshotId: 'snap-done', State: 'completed', VolumeSize: 1, Tags: [{ Key: TAG.sha256, Value: sha }] });
    const result = await publishEc2(options());
    expect(ebsMock).not.toHaveReceivedCommand(StartSnapshotCommand);
    expect(ebsMock).not.toHaveReceivedCommand(PutSnapshotBlockCommand);
    expect(ec2Mock).toHaveReceivedCommandWith(RegisterImageCommand, { BlockDeviceMappings: [expect.objectContaining({ Ebs: expect.objectContaining({ SnapshotId: 'snap-done' }) })] });
    expect(result.snapshot).toEqual({ id: 'snap-done', state: 'reused' });
  });

  it('ignores snapshots tagged kiln:orphan, and encrypted ones for a public AMI', async () => {
    account.snapshots.push(
      { region: 'us-east-1', SnapshotId: 'snap-orphan', State: 'completed', VolumeSize: 1, Tags: [{ Key: TAG.sha256, Value: sha }, { Key: TAG.orphan, Value: 'x' }] },
      { region: 'us-east-1', SnapshotId: 'snap-enc', State: 'completed', VolumeSize: 1, Encrypted: true, Tags: [{ Key: TAG.sha256, Value: sha }] },
    );
    const result = await publishEc2(options({ public: true }));
    expect(ebsMock).toHaveReceivedCommandOnce(StartSnapshotCommand);
    expect(result.snapshot.state).toBe('created');
  });

  it('reuses an encrypted snapshot when not asked to encrypt (an account that encrypts by default)', async () => {
    account.snapshots.push({ region: 'us-east-1', SnapshotId: 'snap-enc', State: 'completed', VolumeSize: 1, Encrypted: true, Tags: [{ Key: TAG.sha256, Value: sha }] });
    const result = await publishEc2(options());
    expect(ebsMock).not.toHaveReceivedCommand(StartSnapshotCommand);
    expect(result.snapshot).toEqual({ id: 'snap-enc', state: 'reused' });
  });

  it('waits for a pending snapshot whose upload completed', async () => {
    const snap = { region: 'us-east-1', SnapshotId: 'snap-finishing', State: 'pending' as const, VolumeSize: 1, Tags: [{ Key: TAG.sha256, Value: sha }, { Key: TAG.upload, Value: 'complete' }] };
    account.snapshots.push(snap);
    let polls = 0;
    const pending = publishEc2(options());
    // The snapshot completes after a few polls.
    const timer = setInterval(() => {
      if (++polls === 3) (snap as { State: string }).State = 'completed';
    }, 2);
    const result = await pending.finally(() => clearInterval(timer));
    expect(ebsMock).not.toHaveReceivedCommand(StartSnapshotCommand);
    expect(result.snapshot).toEqual({ id: 'snap-finishing', state: 'reused' });
  });

  it('resumes a pending snapshot an interrupted upload left behind', async () => {
    account.snapshots.push({ region: 'us-east-1', SnapshotId: 'snap-half', State: 'pending', VolumeSize: 1, Tags: [{ Key: TAG.sha256, Value: sha }] });
    const result = await publishEc2(options());
    expect(ebsMock).not.toHaveReceivedCommand(StartSnapshotCommand);
    expect([...account.blocks.values()].every((b) => b.snapshotId === 'snap-half')).toBe(true);
    expect(ebsMock).toHaveReceivedCommandWith(CompleteSnapshotCommand, { SnapshotId: 'snap-half', ChangedBlocksCount: 3 });
    expect(result.snapshot).toMatchObject({ id: 'snap-half', state: 'resumed' });
  });
});
