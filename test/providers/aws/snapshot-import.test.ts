/**
 * --method import-snapshot over HTTP: the real @aws-sdk/lib-storage multipart upload into the
 * local endpoint's S3 (which checks each part's CRC32), EC2 ImportSnapshot reading that object,
 * and the object deleted afterwards whether the import worked or not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../../src/core/events.js';
import { sha256File } from '../../../src/core/hash.js';
import { publishEc2 } from '../../../src/providers/aws/index.js';
import { TAG, type PublishEc2Options } from '../../../src/providers/aws/types.js';
import { fastTiming, useFakeAws } from './fake-aws.js';
import { MiB, makeSparseImage, tempDir } from './helpers.js';

const aws = useFakeAws();
let dir: string;
let cleanup: () => Promise<void>;
let image: string;
let realSha: string;
// Given to the publisher (it skips hashing); the S3 key and tags carry it.
const SHA = 'b'.repeat(64);
const KEY = `kiln-import/${SHA}/disk.raw`;
const SIZE = 40 * MiB;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  // Larger than one 16 MiB part: the upload is multipart.
  image = await makeSparseImage(dir, 'disk.raw', SIZE, [{ offset: MiB, length: MiB }, { offset: 33 * MiB, length: MiB }]);
  realSha = await sha256File(image);
});
afterAll(() => cleanup());

const options = (extra: Partial<PublishEc2Options> = {}): PublishEc2Options => ({
  image, name: 'import-test', arch: 'i386', regions: ['us-east-1'], method: 'import-snapshot', bucket: 'my-bucket', sha256: SHA,
  clients: aws.clients, timing: fastTiming, ...extra,
});

describe('--method import-snapshot', () => {
  it('uploads the whole file to S3, imports it, tags the snapshot, registers, deletes the S3 object', async () => {
    aws.state.buckets.set('my-bucket', 'us-east-1');
    const { emit, events } = collect();
    const result = await publishEc2(options({ emit }));

    const ops = aws.state.ops();
    expect(ops.filter((op) => op === 'UploadPart')).toHaveLength(3);
    expect(ops.indexOf('CompleteMultipartUpload')).toBeLessThan(ops.indexOf('ImportSnapshot'));
    const snapshot = aws.state.snapshots.get(result.snapshot.id)!;
    // What the import read is the image, byte for byte.
    expect(snapshot.imported).toEqual({ bucket: 'my-bucket', key: KEY, size: SIZE, sha256: realSha });
    expect(Object.fromEntries(snapshot.tags)).toMatchObject({ [TAG.sha256]: SHA, [TAG.upload]: 'complete' });
    const [task] = [...aws.state.importTasks.values()];
    expect(task!.tags.get(TAG.sha256)).toBe(SHA);
    expect(aws.state.images.get(result.images[0]!.imageId)).toMatchObject({ architecture: 'i386', snapshotId: snapshot.id });
    expect(aws.state.objects.size).toBe(0);
    expect(aws.state.stats.calls.StartSnapshot).toBeUndefined();
    expect(events).toContainEqual(expect.objectContaining({ type: 'progress', task: `import ${task!.id}`, done: 30, total: 100 }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'progress', unit: 'bytes', done: SIZE, total: SIZE }));
    expect(result.snapshot).toMatchObject({ id: snapshot.id, state: 'created', upload: { bytesSent: SIZE } });
  });

  it('deletes the S3 object when the import fails, and says why', async () => {
    aws.state.buckets.set('my-bucket', 'us-east-1');
    aws.state.importFailure = 'ClientError: Disk validation failed [Unsupported specified file format]';
    await expect(publishEc2(options())).rejects.toMatchObject({ code: 'EC2_IMPORT_FAILED', message: expect.stringContaining('Disk validation failed') });
    expect(aws.state.stats.calls.DeleteObject).toBe(1);
    expect(aws.state.objects.size).toBe(0);
    expect(aws.state.stats.calls.RegisterImage).toBeUndefined();
  });

  it('a bucket that does not exist: the error says so, and nothing is reported left behind', async () => {
    const { emit, events } = collect();
    const error = await publishEc2(options({ emit })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_NOT_FOUND', message: expect.stringContaining('bucket does not exist') });
    expect(JSON.stringify(error)).not.toContain('left behind');
    expect(events.filter((e) => e.type === 'message' && (e.code === 'AWS_ORPHAN' || e.code === 'AWS_CLEANED_UP'))).toEqual([]);
    expect(aws.state.stats.calls.ImportSnapshot).toBeUndefined();
  });

  it('tags the S3 object kiln:orphan when it cannot be deleted', async () => {
    aws.state.buckets.set('my-bucket', 'us-east-1');
    aws.state.faults.push({ op: 'DeleteObject', action: 'fail', errorName: 'AccessDenied', status: 403, times: Infinity });
    const { emit, events } = collect();
    await publishEc2(options({ emit }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'message', level: 'warn', code: 'AWS_ORPHAN', text: expect.stringContaining(`s3://my-bucket/${KEY}`) }));
    expect(aws.state.objects.get(`my-bucket/${KEY}`)!.tags.get(TAG.orphan)).toContain('AccessDenied');
  });
});
