import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { parseArgv, runInvocation } from '../../src/cli/program.js';
import { formatError } from '../../src/cli/print-error.js';
import { parseTags, publishCommand } from '../../src/cli/commands/publish.js';
import { collect } from '../../src/core/events.js';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from '../fixtures/aws-endpoint/server.js';
import { MiB, makeSparseImage, tempDir } from '../providers/aws/helpers.js';

let fx: FakeAwsEndpoint;
let dir: string;
let cleanup: () => Promise<void>;
let image: string;

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFIXTURE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fixture-secret');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  fx = await startFakeAwsEndpoint();
  fx.state.pendingPolls = 0;
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'Fedora-19.i686.raw', 16 * MiB, [{ offset: 2 * MiB, length: MiB }]);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fx.close();
  await cleanup();
});

async function kiln(argv: string[]) {
  const { emit, events } = collect();
  const invocation = parseArgv([publishCommand], argv, () => {});
  if (!invocation) throw new Error('no invocation');
  const result = await runInvocation(invocation, { emit, signal: new AbortController().signal, json: false, cwd: dir, env: process.env, isTTY: false });
  return { result, events };
}

describe('kiln publish ec2', () => {
  it.each([
    ['no --name', ['--arch', 'x86_64'], /needs --name/],
    ['no --arch', ['--name', 'fedora-19'], /needs --arch/],
    ['bad name', ['--name', 'x', '--arch', 'x86_64'], /invalid AMI name/],
    ['bad tag', ['--name', 'fedora-19', '--arch', 'x86_64', '--tag', 'novalue'], /invalid --tag/],
    ['--method import-snapshot without --bucket', ['--name', 'fedora-19', '--arch', 'x86_64', '--method', 'import-snapshot'], /--method import-snapshot needs --bucket/],
  ])('%s is a usage error (exit 2) and calls nothing', async (_name, flags, message) => {
    fx.state.resetStats();
    const error = await kiln(['publish', 'ec2', image, '--endpoint-url', fx.url, ...flags]).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
    expect(fx.state.stats.calls).toEqual({});
  });

  it('rejects an unknown --arch choice', () => {
    expect(() => parseArgv([publishCommand], ['publish', 'ec2', image, '--name', 'abc', '--arch', 'sparc'], () => {})).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('publishes and prints a region → AMI / snapshot table, with the record for --json', async () => {
    const { result, events } = await kiln([
      'publish', 'ec2', image, '--name', 'Fedora-19-cli', '--arch', 'i686', '--regions', 'us-east-1,eu-west-1',
      '--endpoint-url', fx.url, '--tag', 'milestone=Beta', '--workers', '4', '--imds-v2', '--no-ena',
    ]);
    const lines = result.text!.split('\n');
    expect(lines[0]).toMatch(/^REGION\s+AMI\s+SNAPSHOT\s+STATE\s+PUBLIC$/);
    expect(lines[1]).toMatch(/^us-east-1\s+ami-\w+\s+snap-\w+\s+created\s+no$/);
    expect(lines[2]).toMatch(/^eu-west-1\s+ami-\w+\s+snap-\w+\s+created\s+no$/);
    expect(result.text).toMatch(/sent 2 of 32 blocks \(1\.00 MiB\)/);
    const json = result.json as { images: { region: string; imageId: string }[]; arch: string };
    expect(json.arch).toBe('i386');
    expect(json.images.map((i) => i.region)).toEqual(['us-east-1', 'eu-west-1']);
    const ami = fx.state.images.get(json.images[0]!.imageId)!;
    expect(ami).toMatchObject({ architecture: 'i386', imdsSupport: 'v2.0', enaSupport: 'false', sriovNetSupport: 'simple', rootDeviceName: '/dev/xvda' });
    expect(ami.tags.get('milestone')).toBe('Beta');
    expect(events.some((e) => e.type === 'progress' && e.unit === 'bytes')).toBe(true);
  });

  it('renders an AWS failure once, with its code and hint', async () => {
    fx.state.faults.push({ op: 'RegisterImage', action: 'fail', errorName: 'UnauthorizedOperation' });
    const error = await kiln(['publish', 'ec2', image, '--name', 'Fedora-19-denied', '--arch', 'i386', '--endpoint-url', fx.url]).catch((e: unknown) => e);
    const text = formatError(error);
    expect(text).toMatch(/^kiln: error \[AWS_ACCESS_DENIED\]: RegisterImage 'Fedora-19-denied' in us-east-1: UnauthorizedOperation/);
    expect(text).toContain('hint: The credentials lack a permission');
  });
});

describe('kiln publish ec2: the AWS settings are checked before the image is read', () => {
  // The image does not exist: an error about the settings proves they were checked first.
  const missing = () => join(dir, 'missing.raw');
  afterEach(() => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
  });

  it('an AWS profile that does not exist: a usage error naming it and the files kiln looked in', async () => {
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'aws-config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'aws-credentials'));
    const error = await kiln(['publish', 'ec2', missing(), '--name', 'Fedora-19-profile', '--arch', 'x86_64', '--profile', 'nosuch']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_PROFILE_NOT_FOUND', exitCode: 2, message: expect.stringContaining("AWS profile 'nosuch' (--profile) does not exist") });
    const text = formatError(error);
    expect(text).toContain(`${join(dir, 'aws-config')} (AWS_CONFIG_FILE): no such file`);
    expect(text).toContain(`${join(dir, 'aws-credentials')} (AWS_SHARED_CREDENTIALS_FILE): no such file`);
  });

  it.each([
    ['--region', ['--region', 'xx-nowhere-9'], 'xx-nowhere-9'],
    ['--regions', ['--regions', 'us-east-1,us-esat-1'], 'us-esat-1'],
  ])('an unknown region in %s is a usage error', async (_flag, flags, region) => {
    const error = await kiln(['publish', 'ec2', missing(), '--name', 'Fedora-19-region', '--arch', 'x86_64', ...flags]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_REGION_UNKNOWN', exitCode: 2, message: expect.stringContaining(`'${region}' is not an AWS region`) });
  });

  it('an unknown region from the SDK configuration (AWS_REGION) is refused too', async () => {
    vi.stubEnv('AWS_REGION', 'xx-nowhere-9');
    const error = await kiln(['publish', 'ec2', missing(), '--name', 'Fedora-19-region', '--arch', 'x86_64']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_REGION_UNKNOWN', message: expect.stringContaining("'xx-nowhere-9'") });
  });

  it('with --endpoint-url any region name goes to the endpoint', async () => {
    const { result } = await kiln(['publish', 'ec2', image, '--name', 'Fedora-19-anywhere', '--arch', 'i686', '--region', 'xx-nowhere-9', '--endpoint-url', fx.url]);
    const json = result.json as { images: { region: string; imageId: string }[] };
    expect(json.images.map((i) => i.region)).toEqual(['xx-nowhere-9']);
    expect(fx.state.images.get(json.images[0]!.imageId)!.region).toBe('xx-nowhere-9');
  });
});

describe('parseTags', () => {
  it.each([
    [['a=b'], { a: 'b' }],
    [['a=b=c', 'empty='], { a: 'b=c', empty: '' }],
  ])('%j → %j', (flags, tags) => {
    expect(parseTags(flags)).toEqual(tags);
  });
});
