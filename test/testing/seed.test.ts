/** The NoCloud seed: its files as golden text, and the ISO read back by independent tools. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { makeNoCloudSeed, metaData, userData } from '../../src/testing/seed.js';
import { goldenFiles } from '../golden.js';

const content = { instanceId: 'i-0123456789abcdef0', hostname: 'kiln-test-abc123', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample kiln-test@x'] };
const golden = goldenFiles('testing');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-seed-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('NoCloud seed', () => {
  it('meta-data and user-data match their golden files', async () => {
    await golden.expect('meta-data', metaData(content));
    await golden.expect('user-data', userData(content.sshKeys));
    await golden.expect('user-data-ec2', userData([]));
  });

  it('is an ISO 9660 file system labelled cidata holding both files (read back with blkid and isoinfo)', async () => {
    const iso = join(dir, 'seed.iso');
    await makeNoCloudSeed(dir, iso, content);
    const label = await run('blkid', ['-o', 'value', '-s', 'LABEL', iso], { timeoutMs: 10_000 });
    expect(label.stdout.trim()).toBe('cidata');
    const type = await run('blkid', ['-o', 'value', '-s', 'TYPE', iso], { timeoutMs: 10_000 });
    expect(type.stdout.trim()).toBe('iso9660');
    for (const [file, text] of [['meta-data', metaData(content)], ['user-data', userData(content.sshKeys)]]) {
      const back = await run('isoinfo', ['-R', '-i', iso, '-x', `/${file}`], { timeoutMs: 10_000 });
      expect(back.stdout).toBe(text);
    }
    expect(await readFile(join(dir, 'seed', 'meta-data'), 'utf8')).toContain('instance-id: i-0123456789abcdef0');
  });
});
