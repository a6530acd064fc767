/**
 * A drop that publishes to EC2 checks its AWS settings before it builds anything: a region AWS does
 * not have or a profile that does not exist stops it at once, with no compose directory made.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../../src/core/events.js';
import { runDrop } from '../../src/pipeline/drop/run.js';

let dir: string;

const SPEC = (publish: string[]) =>
  [
    'release: { name: Fedora, short: Fedora, version: "19" }',
    'variant: Cloud',
    'arches: [x86_64]',
    'tree: /srv/tree/',
    'images:',
    '  - name: Fedora-Cloud-Base-AmazonEC2',
    '    template: fedora-cloud',
    '    targets: [ec2]',
    'publish:',
    '  ec2:',
    ...publish.map((l) => `    ${l}`),
    '',
  ].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-drop-preflight-'));
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'aws-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'aws-credentials'));
  await writeFile(join(dir, 'aws-config'), '[profile release]\nregion = us-east-1\n');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const drop = (spec: string) =>
  runDrop(
    { spec, outDir: join(dir, 'out'), type: 'nightly' },
    { emit: collect().emit, signal: new AbortController().signal, env: process.env, cwd: dir, storeDir: join(dir, 'store'), accel: 'tcg' },
  );

describe('kiln drop with publish.ec2', () => {
  it('a region AWS does not have is a problem of the spec, at its line', async () => {
    await writeFile(join(dir, 'region.yaml'), SPEC(['regions: [us-east-1, xx-nowhere-9]']));
    await expect(drop('region.yaml')).rejects.toMatchObject({
      code: 'DROP_SPEC_INVALID',
      source: { file: join(dir, 'region.yaml'), line: 11 },
      message: expect.stringContaining("publish.ec2.regions: 'xx-nowhere-9' is not an AWS region"),
    });
    expect(await readdir(dir)).not.toContain('out');
  });

  it('a profile that does not exist stops the drop before anything is made', async () => {
    await writeFile(join(dir, 'nosuch.yaml'), SPEC(['regions: [us-east-1]', 'profile: nosuch']));
    await expect(drop('nosuch.yaml')).rejects.toMatchObject({ code: 'AWS_PROFILE_NOT_FOUND', exitCode: 2, message: expect.stringContaining("'nosuch' (publish.ec2.profile)") });
    expect(await readdir(dir)).not.toContain('out');
  });
});
