/**
 * The publisher over real HTTP: the real SDK clients (signing, serialisation, sockets) against the
 * local fixture endpoint (test/fixtures/aws-endpoint), which checks every block's SHA-256 and the
 * LINEAR aggregate itself. Faults are injected at the HTTP level: a request that never gets an
 * answer, a dropped connection, throttling, a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSparseMap, dataBlocks } from '../../../src/image/sparse-map.js';
import { publishEc2 } from '../../../src/providers/aws/index.js';
import { useFakeAws } from './fake-aws.js';
import { BLOCK, MiB, makeSparseImage, tempDir } from './helpers.js';

const aws = useFakeAws();
let dir: string;
let cleanup: () => Promise<void>;
let image: string;
let expectedBlocks: number[];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'disk.raw', 128 * MiB, [
    { offset: 0, length: 3 * MiB },
    { offset: 64 * MiB, length: 5 * BLOCK },
    { offset: 127 * MiB, length: MiB },
  ]);
  expectedBlocks = dataBlocks(await readSparseMap(image, { format: 'raw' }), BLOCK);
});
afterAll(() => cleanup());

const timing = { pollMs: 5, backoffBaseMs: 5, backoffMaxMs: 20, requestTimeoutMs: 1_000, attempts: 5 };

describe('publish against the local AWS-compatible endpoint', () => {
  it('sends exactly the allocated blocks, passes the endpoint’s checksum checks, and a re-run creates nothing', async () => {
    const result = await publishEc2({ image, name: 'endpoint-test', arch: 'x86_64', regions: ['us-east-1', 'eu-west-1'], public: true, clients: aws.clients, workers: 8, timing });
    expect(expectedBlocks).toHaveLength(6 + 5 + 2);
    expect([...aws.state.stats.blockIndexes].sort((a, b) => a - b)).toEqual(expectedBlocks);
    expect(aws.state.stats.bytesReceived).toBe(expectedBlocks.length * BLOCK);
    const snap = aws.state.snapshots.get(result.snapshot.id)!;
    expect(snap.state).toBe('completed');
    expect(snap.publicVolumes).toBe(true);
    const copy = aws.state.images.get(result.images[1]!.imageId)!;
    expect(copy).toMatchObject({ region: 'eu-west-1', state: 'available', public: true });

    aws.state.resetStats();
    const again = await publishEc2({ image, name: 'endpoint-test', arch: 'x86_64', regions: ['us-east-1', 'eu-west-1'], public: true, clients: aws.clients, timing });
    expect(again.images.map((i) => i.state)).toEqual(['reused', 'reused']);
    expect(again.images.map((i) => i.imageId)).toEqual(result.images.map((i) => i.imageId));
    for (const op of ['StartSnapshot', 'PutSnapshotBlock', 'RegisterImage', 'CopyImage', 'CreateTags']) expect(aws.state.stats.calls[op]).toBeUndefined();
  });

  it('times out a request that never gets an answer and retries it; drops, throttling and 500s are retried too', async () => {
    aws.state.faults.push(
      { op: 'PutSnapshotBlock', blockIndex: expectedBlocks[1], action: 'hang' },
      { op: 'PutSnapshotBlock', blockIndex: expectedBlocks[2], action: 'drop' },
      { op: 'PutSnapshotBlock', blockIndex: expectedBlocks[3], action: 'throttle', times: 2 },
      { op: 'CompleteSnapshot', action: 'error500' },
      { op: 'StartSnapshot', action: 'drop' },
    );
    const result = await publishEc2({ image, name: 'fault-test', arch: 'x86_64', regions: ['us-east-1'], clients: aws.clients, workers: 4, timing });
    expect(aws.state.snapshots.get(result.snapshot.id)!.state).toBe('completed');
    // The hung, dropped and throttled blocks were each sent again.
    expect(aws.state.stats.calls.PutSnapshotBlock).toBe(expectedBlocks.length + 4);
    expect(aws.state.stats.calls.CompleteSnapshot).toBe(2);
    expect(aws.state.stats.calls.StartSnapshot).toBe(2);
    // StartSnapshot's retry carried the same ClientToken: one snapshot only.
    expect(aws.state.snapshots.size).toBe(1);
    expect(aws.state.faults.every((f) => (f.times ?? 1) === 0)).toBe(true);
  });

  it('deletes its snapshot when the upload fails for good', async () => {
    aws.state.faults.push({ op: 'PutSnapshotBlock', blockIndex: expectedBlocks[0], action: 'fail', errorName: 'ValidationException' });
    await expect(publishEc2({ image, name: 'fail-test', arch: 'x86_64', regions: ['us-east-1'], clients: aws.clients, workers: 4, timing })).rejects.toMatchObject({ code: 'EBS_BLOCK_UPLOAD_FAILED' });
    expect(aws.state.stats.calls.DeleteSnapshot).toBe(1);
    expect(aws.state.snapshots.size).toBe(0);
  });
});
