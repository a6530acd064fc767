/**
 * A named AWS profile must exist in the shared files the SDK reads; the error names the profile,
 * where it was named, and both files with where their paths came from.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkProfile } from '../../../src/providers/aws/profile.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

/** The SDK reads its files' paths from process.env; so does kiln. */
function useEnv(vars: Record<string, string | undefined>): void {
  for (const name of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE', 'HOME']) vi.stubEnv(name, vars[name]);
}
const files = () => ({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeFile(join(dir, 'config'), '[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\n\n[sso-session corp]\nsso_region = us-east-1\n');
  await writeFile(join(dir, 'credentials'), '[ci]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = not-a-real-secret\n');
});
afterAll(() => cleanup());
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('checkProfile', () => {
  it.each([
    ['a profile of the config file', 'dev'],
    ['a profile of the credentials file', 'ci'],
    ['default, even where no file has it (the SDK then uses the rest of its chain)', 'default'],
  ])('accepts %s', async (_name, profile) => {
    useEnv(files());
    await expect(checkProfile(profile, '--profile')).resolves.toBeUndefined();
  });

  it('refuses a profile neither file has, naming it, the files and the profiles there', async () => {
    useEnv(files());
    const error = await checkProfile('nosuch', '--profile').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_PROFILE_NOT_FOUND', usage: true, exitCode: 2, message: "AWS profile 'nosuch' (--profile) does not exist: neither the config file nor the credentials file has it" });
    expect((error as { details: string[] }).details).toEqual([
      `config file: ${join(dir, 'config')} (AWS_CONFIG_FILE)`,
      `credentials file: ${join(dir, 'credentials')} (AWS_SHARED_CREDENTIALS_FILE)`,
      'profiles there: ci, default, dev',
    ]);
    // Never a secret of the files.
    expect(JSON.stringify(error)).not.toContain('not-a-real-secret');
  });

  it('says where the default paths came from and that the files are missing', async () => {
    const home = join(dir, 'empty-home');
    useEnv({ HOME: home });
    const error = await checkProfile('nosuch', 'publish.ec2.profile').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_PROFILE_NOT_FOUND', message: expect.stringContaining("'nosuch' (publish.ec2.profile)") });
    expect((error as { details: string[] }).details).toEqual([
      `config file: ${join(home, '.aws', 'config')} (the default; AWS_CONFIG_FILE is not set): no such file`,
      `credentials file: ${join(home, '.aws', 'credentials')} (the default; AWS_SHARED_CREDENTIALS_FILE is not set): no such file`,
      'no profile there',
    ]);
  });

  it('checks AWS_PROFILE when no profile is given', async () => {
    useEnv({ ...files(), AWS_PROFILE: 'gone' });
    await expect(checkProfile(undefined, '--profile')).rejects.toMatchObject({ message: expect.stringContaining("'gone' (AWS_PROFILE)") });
    useEnv({ ...files(), AWS_PROFILE: 'dev' });
    await expect(checkProfile(undefined, '--profile')).resolves.toBeUndefined();
    useEnv(files());
    await expect(checkProfile(undefined, '--profile')).resolves.toBeUndefined();
  });
});
