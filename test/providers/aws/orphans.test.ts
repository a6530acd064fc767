/**
 * No orphans: a publish that fails (or is interrupted) deletes what it made, AMIs before their
 * snapshots, and tags kiln:orphan what it cannot delete. Checked in what the local AWS-compatible
 * endpoint holds after the failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEc2 } from '../../../src/providers/aws/index.js';
import { TAG, type PublishEc2Options } from '../../../src/providers/aws/types.js';
import { fastTiming, useFakeAws } from './fake-aws.js';
import { BLOCK, MiB, makeSparseImage, tempDir } from './helpers.js';

const aws = useFakeAws();
let dir: string;
let cleanup: () => Promise<void>;
let image: string;
const SHA = 'a'.repeat(64);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'disk.raw', 32 * MiB, [{ offset: 0, length: 4 * BLOCK }]);
});
afterAll(() => cleanup());

const options = (extra: Partial<PublishEc2Options> = {}): PublishEc2Options => ({
  image, name: 'cleanup-test', arch: 'x86_64', regions: ['us-east-1'], sha256: SHA, clients: aws.clients, timing: fastTiming, ...extra,
});

const liveImages = () => [...aws.state.images.values()].filter((i) => i.state !== 'deregistered');

describe('no orphans', () => {
  it('deletes the snapshot it uploaded when RegisterImage fails', async () => {
    aws.state.faults.push({ op: 'RegisterImage', action: 'fail', errorName: 'UnauthorizedOperation', status: 403 });
    const error = await publishEc2(options()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_ACCESS_DENIED', details: expect.not.arrayContaining([expect.stringContaining('left behind')]) });
    expect(aws.state.stats.calls.StartSnapshot).toBe(1);
    expect(aws.state.stats.calls.DeleteSnapshot).toBe(1);
    expect(aws.state.stats.calls.DeregisterImage).toBeUndefined();
    expect(aws.state.snapshots.size).toBe(0);
  });

  it('deregisters the AMI and copies, then deletes their snapshots, when one region copy fails', async () => {
    aws.state.faults.push({ op: 'CopyImage', region: 'ap-southeast-2', action: 'fail', errorName: 'InvalidParameterValue' });
    await expect(publishEc2(options({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }))).rejects.toMatchObject({ message: expect.stringContaining('ap-southeast-2') });
    expect(aws.state.stats.calls.CopyImage).toBe(2);
    const cleanupOps = aws.state.log.filter((r) => r.op === 'DeregisterImage' || r.op === 'DeleteSnapshot').map((r) => `${r.op} ${r.region}`);
    // AMIs first (they hold their snapshots), then the snapshots.
    expect(cleanupOps.slice(0, 2).sort()).toEqual(['DeregisterImage eu-west-1', 'DeregisterImage us-east-1']);
    expect(cleanupOps.slice(2).sort()).toEqual(['DeleteSnapshot eu-west-1', 'DeleteSnapshot us-east-1']);
    expect(liveImages()).toEqual([]);
    expect(aws.state.snapshots.size).toBe(0);
  });

  it('tags what it cannot delete kiln:orphan and lists it in the error', async () => {
    aws.state.faults.push(
      { op: 'RegisterImage', action: 'fail', errorName: 'InvalidParameterValue' },
      { op: 'DeleteSnapshot', action: 'fail', errorName: 'UnauthorizedOperation', status: 403, times: Infinity },
    );
    const error = (await publishEc2(options()).catch((e: unknown) => e)) as { code: string; details: string[]; hint: string };
    const [snapshot] = [...aws.state.snapshots.values()];
    expect(error.code).toBe('AWS_REQUEST_FAILED');
    expect(error.details).toContainEqual(expect.stringMatching(new RegExp(`left behind: snapshot ${snapshot!.id} \\(us-east-1\\) \\(tagged kiln:orphan\\)`)));
    expect(error.hint).toContain('kiln:orphan');
    expect(snapshot!.tags.get(TAG.orphan)).toContain('UnauthorizedOperation');
  });

  it('cleans up when interrupted in the middle of the upload', async () => {
    const controller = new AbortController();
    aws.state.faults.push({ op: 'PutSnapshotBlock', action: 'hang', times: Infinity });
    aws.state.onRequest = (r) => {
      if (r.op === 'PutSnapshotBlock') controller.abort(new Error('Ctrl-C'));
    };
    await expect(publishEc2(options({ signal: controller.signal }))).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(aws.state.stats.calls.StartSnapshot).toBe(1);
    expect(aws.state.stats.calls.DeleteSnapshot).toBe(1);
    expect(aws.state.snapshots.size).toBe(0);
  });

  it('gives up on a block that keeps failing and deletes the snapshot', async () => {
    aws.state.faults.push({ op: 'PutSnapshotBlock', action: 'error500', times: Infinity });
    await expect(publishEc2(options())).rejects.toMatchObject({ code: 'EBS_BLOCK_UPLOAD_FAILED' });
    expect(aws.state.stats.calls.DeleteSnapshot).toBe(1);
    expect(aws.state.snapshots.size).toBe(0);
  });
});
