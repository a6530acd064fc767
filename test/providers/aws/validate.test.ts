import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../src/core/run.js';
import { publishEc2 } from '../../../src/providers/aws/index.js';
import type { PublishEc2Options } from '../../../src/providers/aws/types.js';
import { regionProblem } from '../../../src/providers/aws/regions.js';
import { ec2Arch, findArchRecord, inspectImage, validateOptions } from '../../../src/providers/aws/validate.js';
import { useFakeAws } from './fake-aws.js';
import { MiB, makeSparseImage, tempDir } from './helpers.js';

const aws = useFakeAws();

let dir: string;
let cleanup: () => Promise<void>;
let raw: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  raw = await makeSparseImage(dir, 'disk.raw', 4 * MiB, [{ offset: 0, length: 4096 }]);
});
afterAll(() => cleanup());

const base: PublishEc2Options = { image: 'x.raw', name: 'Fedora-Cloud-Base-19', arch: 'x86_64' };

describe('validateOptions', () => {
  it.each([
    ['name too short', { name: 'ab' }, 'AMI_NAME_INVALID'],
    ['name too long', { name: 'a'.repeat(129) }, 'AMI_NAME_INVALID'],
    ['name with a forbidden character', { name: 'fedora:19' }, 'AMI_NAME_INVALID'],
    ['a region AWS does not have', { regions: ['us-east-1', 'Mars'] }, 'AWS_REGION_UNKNOWN'],
    ['a source region AWS does not have', { region: 'xx-nowhere-9' }, 'AWS_REGION_UNKNOWN'],
    ['a region name no endpoint takes', { region: 'us east', endpointUrl: 'http://127.0.0.1:4566' }, 'AWS_REGION_UNKNOWN'],
    ['workers zero', { workers: 0 }, 'USAGE'],
    ['import-snapshot without bucket', { method: 'import-snapshot' as const }, 'USAGE'],
    ['public and encrypted', { public: true, encrypted: true }, 'USAGE'],
    ['uefi on i386', { arch: 'i386' as const, bootMode: 'uefi' as const }, 'USAGE'],
    ['reserved tag key', { tags: { 'kiln:sha256': 'x' } }, 'USAGE'],
    ['aws: tag key', { tags: { 'aws:x': 'y' } }, 'USAGE'],
    ['bad volume type', { volumeType: 'ssd' }, 'USAGE'],
    ['bad sha256', { sha256: 'abc' }, 'USAGE'],
  ])('%s → %s', (_name, extra, code) => {
    expect(() => validateOptions({ ...base, ...extra })).toThrow(expect.objectContaining({ code, usage: true }));
  });

  it.each([
    ["letters, digits and ()[] ./-'@_", "Fedora (19) [Beta] x86_64/base-1.0 'rc' @home_1"],
    ['exactly 3', 'abc'],
    ['exactly 128', 'a'.repeat(128)],
  ])('accepts a name with %s', (_name, name) => {
    expect(() => validateOptions({ ...base, name })).not.toThrow();
  });
});

describe('region names, as the AWS SDK knows them', () => {
  it.each(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'il-central-1', 'cn-north-1', 'us-gov-west-1'])('%s is a region', (region) => {
    expect(regionProblem(region)).toBeUndefined();
  });

  it.each(['xx-nowhere-9', 'us-esat-1', 'us-east-11', 'aws-global', 'Mars', ''])('%j is not', (region) => {
    expect(regionProblem(region)).toBe(`'${region}' is not an AWS region (kiln knows the regions of the AWS SDK it was built with)`);
  });

  it.each([
    ['xx-nowhere-9', undefined],
    ['lab', undefined],
    ['us east', "'us east' is not a region name (letters, digits and dashes)"],
    ['', "'' is not a region name (letters, digits and dashes)"],
  ])('with an endpoint of your own, %j → %s', (region, problem) => {
    expect(regionProblem(region, { endpointUrl: 'http://127.0.0.1:4566' })).toBe(problem);
  });
});

describe('ec2Arch', () => {
  it.each([
    ['i686', 'i386'],
    ['i386', 'i386'],
    ['x86_64', 'x86_64'],
    ['amd64', 'x86_64'],
    ['aarch64', undefined],
  ])('%s → %s', (name, expected) => {
    expect(ec2Arch(name)).toBe(expected);
  });
});

describe('inspectImage (real qemu-img)', () => {
  it('accepts a raw image and rounds its size up to GiB', async () => {
    expect(await inspectImage(raw, 'x86_64')).toEqual({ size: 4 * MiB, sizeGiB: 1 });
  });

  it('refuses a qcow2 image', async () => {
    const qcow = join(dir, 'disk.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow, '16M'], { timeoutMs: 30_000 });
    await expect(inspectImage(qcow, 'x86_64')).rejects.toMatchObject({ code: 'IMAGE_NOT_RAW' });
  });

  it('a qcow2 named .raw: the suggested conversion does not write over it', async () => {
    const qcow = join(dir, 'named.raw');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow, '16M'], { timeoutMs: 30_000 });
    await expect(inspectImage(qcow, 'x86_64')).rejects.toMatchObject({ code: 'IMAGE_NOT_RAW', hint: 'Convert it first: qemu-img convert -O raw named.raw named-converted.raw' });
  });

  it('refuses a size that is not a whole number of sectors', async () => {
    const odd = await makeSparseImage(dir, 'odd.raw', 4 * MiB + 100, []);
    await expect(inspectImage(odd, 'x86_64')).rejects.toMatchObject({ code: 'IMAGE_SIZE_UNALIGNED' });
  });

  it.each([
    ['<image>.json', (img: string) => `${img}.json`, { arch: 'i686' }],
    ['record.json with a record', (img: string) => join(img, '..', 'record.json'), { record: { arch: 'i686' } }],
  ])('refuses an --arch that contradicts %s', async (_name, recordPath, content) => {
    const sub = join(dir, `arch-${Math.random().toString(36).slice(2)}`);
    await run('mkdir', ['-p', sub], { timeoutMs: 5000 });
    const img = await makeSparseImage(sub, 'disk.raw', MiB, []);
    await writeFile(recordPath(img), JSON.stringify(content));
    await expect(inspectImage(img, 'x86_64')).rejects.toMatchObject({ code: 'IMAGE_ARCH_MISMATCH', message: expect.stringContaining('i386') });
    expect(await findArchRecord(img)).toMatchObject({ arch: 'i386' });
    await expect(inspectImage(img, 'i386')).resolves.toMatchObject({ record: { arch: 'i386' } });
  });
});

describe('validation errors create nothing', () => {
  it.each([
    ['bad name', (): Partial<PublishEc2Options> => ({ name: 'x' }), 'AMI_NAME_INVALID'],
    ['missing image', () => ({ image: join(dir, 'nope.raw') }), 'IMAGE_NOT_FOUND'],
    ['unaligned image', () => ({ image: join(dir, 'odd.raw') }), 'IMAGE_SIZE_UNALIGNED'],
    ['qcow2 image', () => ({ image: join(dir, 'disk.qcow2') }), 'IMAGE_NOT_RAW'],
    ['import-snapshot without a bucket', () => ({ method: 'import-snapshot' as const }), 'USAGE'],
  ])('%s', async (_name, extra, code) => {
    await expect(publishEc2({ ...base, image: raw, regions: ['us-east-1'], clients: aws.clients, ...extra() })).rejects.toMatchObject({ code });
    expect(aws.state.log).toEqual([]);
  });
});
