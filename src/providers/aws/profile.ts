/**
 * The AWS profile a command names (--profile, a drop spec's publish.ec2.profile, or AWS_PROFILE)
 * must exist before anything starts. Otherwise the SDK walks its whole credential chain and fails
 * late with "Could not load credentials from any providers", which names no profile (or, on an EC2
 * instance, quietly takes the instance's role). The files are the SDK's (AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/config and ~/.aws/credentials), read with the SDK's
 * own loader, so kiln sees the profiles the SDK sees. A missing `default` is no error: the SDK
 * then uses the rest of its chain, as the AWS CLI does.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';
import { KilnError } from '../../core/errors.js';

interface SharedFile {
  path: string;
  /** The variable that named it, or where the default came from. */
  from: string;
}

/** The two shared files, as the SDK finds them (from the same environment, process.env). */
export function sharedFiles(): { config: SharedFile; credentials: SharedFile } {
  const file = (variable: string, name: string): SharedFile => {
    const set = process.env[variable];
    return set ? { path: set, from: variable } : { path: join(getHomeDir(), '.aws', name), from: `the default; ${variable} is not set` };
  };
  return { config: file('AWS_CONFIG_FILE', 'config'), credentials: file('AWS_SHARED_CREDENTIALS_FILE', 'credentials') };
}

/**
 * Throws a usage error when the profile does not exist. `given` names where it came from
 * ('--profile', 'publish.ec2.profile'); with no profile given, AWS_PROFILE is checked.
 */
export async function checkProfile(profile: string | undefined, given: string): Promise<void> {
  const name = profile ?? process.env.AWS_PROFILE;
  const origin = profile !== undefined ? given : 'AWS_PROFILE';
  if (!name || name === 'default') return;
  const files = sharedFiles();
  const loaded = await loadSharedConfigFiles({ configFilepath: files.config.path, filepath: files.credentials.path, ignoreCache: true });
  const known = new Set([...Object.keys(loaded.configFile), ...Object.keys(loaded.credentialsFile)].filter((p) => !/^(sso-session|services)\./.test(p)));
  if (known.has(name)) return;
  const exists = async (f: SharedFile) => access(f.path).then(
    () => true,
    () => false,
  );
  const [config, credentials] = await Promise.all([exists(files.config), exists(files.credentials)]);
  const describe = (f: SharedFile, found: boolean) => `${f.path} (${f.from})${found ? '' : ': no such file'}`;
  throw new KilnError('AWS_PROFILE_NOT_FOUND', `AWS profile '${name}' (${origin}) does not exist: neither the config file nor the credentials file has it`, {
    usage: true,
    fault: 'user',
    details: [
      `config file: ${describe(files.config, config)}`,
      `credentials file: ${describe(files.credentials, credentials)}`,
      known.size ? `profiles there: ${[...known].sort().join(', ')}` : 'no profile there',
    ],
    hint: `Name a profile of those files, create it (aws configure --profile ${name}), or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the files that hold it.`,
  });
}
