/**
 * What a publish does, checked in what the local AWS-compatible endpoint holds afterwards: the
 * blocks it received (the endpoint verifies each block's SHA-256 and the LINEAR aggregate itself),
 * the snapshot, the AMIs and their copies with their attributes, tags and permissions; and on a
 * re-run, what it found and reused instead of making again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../../src/core/hash.js';
import { collect } from '../../../src/core/events.js';
import { ec2Publisher, isPublishedEc2, publishEc2 } from '../../../src/providers/aws/index.js';
import { TAG, type PublishEc2Options } from '../../../src/providers/aws/types.js';
import { createdSomething, fastTiming, seedImage, seedSnapshot, useFakeAws } from './fake-aws.js';
import { BLOCK, MiB, independentBlockSha, makeSparseImage, tempDir } from './helpers.js';

const aws = useFakeAws();
let dir: string;
let cleanup: () => Promise<void>;
let image: string;
let sha: string;
// Data in blocks 2–3 and 100; the rest of the 96 MiB image is a hole.
const DATA_BLOCKS = [2, 3, 100];
const NAME = 'Fedora-Cloud-Base-19-Beta';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'disk.raw', 96 * MiB, [
    { offset: 2 * BLOCK, length: 2 * BLOCK },
    { offset: 100 * BLOCK + 4096, length: 8192 },
  ]);
  sha = await sha256File(image);
});
afterAll(() => cleanup());

function options(extra: Partial<PublishEc2Options> = {}): PublishEc2Options {
  return { image, name: NAME, arch: 'x86_64', regions: ['us-east-1'], clients: aws.clients, timing: fastTiming, ...extra };
}

const shaTags = () => new Map([[TAG.sha256, sha]]);

describe('publishEc2: a first run', () => {
  it('uploads only the data blocks, completes the snapshot, registers, copies and makes everything public', async () => {
    const { emit, events } = collect();
    const result = await publishEc2(
      options({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], public: true, bootMode: 'uefi-preferred', imdsV2: true, tags: { milestone: 'Beta' }, compose: 'Fedora-Cloud-19-20261126.0', emit }),
    );
    const { state } = aws;

    // Upload: StartSnapshot → blocks → CompleteSnapshot, in that order, before RegisterImage.
    const ops = state.ops();
    expect(ops.filter((op) => op === 'StartSnapshot')).toHaveLength(1);
    expect(ops.indexOf('StartSnapshot')).toBeLessThan(ops.indexOf('PutSnapshotBlock'));
    expect(ops.lastIndexOf('PutSnapshotBlock')).toBeLessThan(ops.indexOf('CompleteSnapshot'));
    expect(ops.indexOf('CompleteSnapshot')).toBeLessThan(ops.indexOf('RegisterImage'));
    expect(ops.indexOf('RegisterImage')).toBeLessThan(ops.indexOf('CopyImage'));

    const snapshot = state.snapshots.get(result.snapshot.id)!;
    expect(snapshot).toMatchObject({ region: 'us-east-1', state: 'completed', volumeSize: 1, encrypted: false, publicVolumes: true });
    expect(Object.fromEntries(snapshot.tags)).toMatchObject({ [TAG.sha256]: sha, milestone: 'Beta', Name: NAME, [TAG.compose]: 'Fedora-Cloud-19-20261126.0', [TAG.upload]: 'complete' });
    // Only the blocks that hold data, each once, with the digest of the image's own bytes.
    expect([...state.stats.blockIndexes].sort((a, b) => a - b)).toEqual(DATA_BLOCKS);
    // The endpoint checked CompleteSnapshot's LINEAR aggregate against these digests.
    for (const index of DATA_BLOCKS) expect(snapshot.blocks.get(index)!.toString('base64')).toBe(independentBlockSha(image, index));

    const source = state.images.get(result.images[0]!.imageId)!;
    expect(source).toMatchObject({
      region: 'us-east-1', name: NAME, state: 'available', architecture: 'x86_64', virtualizationType: 'hvm', rootDeviceName: '/dev/xvda', snapshotId: snapshot.id,
      volumeType: 'gp3', enaSupport: 'true', sriovNetSupport: 'simple', bootMode: 'uefi-preferred', imdsSupport: 'v2.0', public: true,
    });
    expect(source.tags.get(TAG.sha256)).toBe(sha);
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      const copy = [...state.images.values()].find((i) => i.region === region)!;
      expect(copy).toMatchObject({ name: NAME, state: 'available', public: true });
      expect(copy.tags.get(TAG.sha256)).toBe(sha);
      const copySnapshot = state.snapshots.get(copy.snapshotId)!;
      expect(copySnapshot).toMatchObject({ region, publicVolumes: true });
      expect(copySnapshot.tags.get(TAG.sha256)).toBe(sha);
    }

    expect(result).toMatchObject({
      sha256: sha,
      sourceRegion: 'us-east-1',
      snapshot: { id: snapshot.id, state: 'created', upload: { blocksSent: 3, bytesSent: 3 * BLOCK, blocksTotal: 192, blocksSkipped: 189 } },
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
    const snapshot = aws.state.snapshots.get(result.snapshot.id)!;
    expect(snapshot.encrypted).toBe(true);
    expect(snapshot.blocks.size).toBe(192);
    expect(snapshot.blocks.get(50)!.toString('base64')).toBe(independentBlockSha(image, 50));
    expect(result.snapshot.upload).toMatchObject({ blocksSent: 192, blocksSkipped: 0 });
  });
});

describe('publishEc2: idempotent re-runs', () => {
  it('creates nothing when every region already has the AMI with this sha256', async () => {
    seedImage(aws.state, { id: 'ami-src', name: NAME, snapshotId: 'snap-src', sha256: sha });
    seedImage(aws.state, { id: 'ami-eu', region: 'eu-west-1', name: NAME, snapshotId: 'snap-eu', sha256: sha });
    const result = await publishEc2(options({ regions: ['us-east-1', 'eu-west-1'], public: true }));
    expect(createdSomething(aws.state)).toEqual([]);
    expect(aws.state.stats.calls.ModifyImageAttribute).toBeUndefined();
    expect(result.images).toEqual([
      { region: 'us-east-1', imageId: 'ami-src', snapshotId: 'snap-src', state: 'reused', public: true },
      { region: 'eu-west-1', imageId: 'ami-eu', snapshotId: 'snap-eu', state: 'reused', public: true },
    ]);
    expect(await isPublishedEc2(options({ regions: ['us-east-1', 'eu-west-1'], public: true }))).toMatchObject({ images: result.images });
    // The provider object (habit 5: isPublished before publish) answers the same, and its publish creates nothing either.
    expect(await ec2Publisher.isPublished(options({ regions: ['us-east-1', 'eu-west-1'], public: true }))).toMatchObject({ images: result.images });
    expect((await ec2Publisher.publish(options({ regions: ['us-east-1', 'eu-west-1'], public: true }))).images).toEqual(result.images);
    expect(createdSomething(aws.state)).toEqual([]);
  });

  it('copies only to the regions that lack the AMI, and says the rest is not published yet', async () => {
    seedImage(aws.state, { id: 'ami-src', name: NAME, snapshotId: 'snap-src', sha256: sha });
    const result = await publishEc2(options({ regions: ['us-east-1', 'eu-west-1'] }));
    expect(createdSomething(aws.state)).toEqual(['CopyImage']);
    expect(result.images.map((i) => i.state)).toEqual(['reused', 'created']);
    expect(await isPublishedEc2(options({ regions: ['us-east-1', 'ap-southeast-2'] }))).toBeUndefined();
  });

  it('refuses an AMI name that holds another image, creating nothing', async () => {
    seedImage(aws.state, { id: 'ami-other', name: NAME, snapshotId: 'snap-other', sha256: 'f'.repeat(64) });
    await expect(publishEc2(options())).rejects.toMatchObject({ code: 'AMI_NAME_TAKEN' });
    expect(createdSomething(aws.state)).toEqual([]);
  });

  it('reuses a completed snapshot with this sha256 (an interrupted run after the upload)', async () => {
    seedSnapshot(aws.state, { id: 'snap-done', tags: shaTags() });
    const result = await publishEc2(options());
    expect(aws.state.stats.calls.StartSnapshot).toBeUndefined();
    expect(aws.state.stats.calls.PutSnapshotBlock).toBeUndefined();
    expect(aws.state.images.get(result.images[0]!.imageId)!.snapshotId).toBe('snap-done');
    expect(result.snapshot).toEqual({ id: 'snap-done', state: 'reused' });
  });

  it('ignores snapshots tagged kiln:orphan, and encrypted ones for a public AMI', async () => {
    seedSnapshot(aws.state, { id: 'snap-orphan', tags: new Map([[TAG.sha256, sha], [TAG.orphan, 'x']]) });
    seedSnapshot(aws.state, { id: 'snap-enc', encrypted: true, tags: shaTags() });
    const result = await publishEc2(options({ public: true }));
    expect(aws.state.stats.calls.StartSnapshot).toBe(1);
    expect(result.snapshot.state).toBe('created');
    expect(['snap-orphan', 'snap-enc']).not.toContain(result.snapshot.id);
  });

  it('reuses an encrypted snapshot when not asked to encrypt (an account that encrypts by default)', async () => {
    seedSnapshot(aws.state, { id: 'snap-enc', encrypted: true, tags: shaTags() });
    const result = await publishEc2(options());
    expect(aws.state.stats.calls.StartSnapshot).toBeUndefined();
    expect(result.snapshot).toEqual({ id: 'snap-enc', state: 'reused' });
  });

  it('waits for a pending snapshot whose upload completed', async () => {
    // Completed by EBS, still shown pending for three more looks.
    seedSnapshot(aws.state, { id: 'snap-finishing', state: 'pending', completed: true, pendingPolls: 3, tags: new Map([[TAG.sha256, sha], [TAG.upload, 'complete']]) });
    const result = await publishEc2(options());
    expect(aws.state.stats.calls.StartSnapshot).toBeUndefined();
    expect(aws.state.stats.calls.DescribeSnapshots).toBeGreaterThanOrEqual(4);
    expect(result.snapshot).toEqual({ id: 'snap-finishing', state: 'reused' });
  });

  it('resumes a pending snapshot an interrupted upload left behind', async () => {
    seedSnapshot(aws.state, { id: 'snap-half', state: 'pending', completed: false, tags: shaTags() });
    const result = await publishEc2(options());
    expect(aws.state.stats.calls.StartSnapshot).toBeUndefined();
    const snapshot = aws.state.snapshots.get('snap-half')!;
    expect([...snapshot.blocks.keys()].sort((a, b) => a - b)).toEqual(DATA_BLOCKS);
    expect(snapshot.state).toBe('completed');
    expect(result.snapshot).toMatchObject({ id: 'snap-half', state: 'resumed' });
  });
});
