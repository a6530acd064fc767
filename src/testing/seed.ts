/**
 * A NoCloud seed for cloud-init: an ISO 9660 filesystem labelled `cidata` holding `meta-data`
 * (instance-id, local-hostname) and `user-data` (#cloud-config with the test's SSH key for the
 * image's default user), made with genisoimage exactly as cloud-localds does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../core/run.js';

export interface SeedContent {
  instanceId: string;
  hostname: string;
  /** OpenSSH public keys for the image's default user. */
  sshKeys: string[];
}

export function metaData(c: SeedContent): string {
  return `instance-id: ${c.instanceId}\nlocal-hostname: ${c.hostname}\n`;
}

/** The #cloud-config both datasources get (the EC2 one carries no key: that comes from public-keys). */
export function userData(sshKeys: string[]): string {
  const lines = ['#cloud-config', '# kiln boot test'];
  if (sshKeys.length) lines.push('ssh_authorized_keys:', ...sshKeys.map((k) => `  - ${k}`));
  return `${lines.join('\n')}\n`;
}

/** Writes the seed's files into `dir`/seed and the ISO to `iso`. */
export async function makeNoCloudSeed(dir: string, iso: string, c: SeedContent, signal?: AbortSignal): Promise<void> {
  const files = join(dir, 'seed');
  await mkdir(files, { recursive: true });
  await writeFile(join(files, 'meta-data'), metaData(c));
  await writeFile(join(files, 'user-data'), userData(c.sshKeys));
  await run('genisoimage', ['-quiet', '-output', iso, '-volid', 'cidata', '-joliet', '-rock', join(files, 'user-data'), join(files, 'meta-data')], {
    timeoutMs: 60_000,
    signal,
    hint: 'genisoimage makes the NoCloud seed (Debian package genisoimage; scripts/setup.sh installs it).',
  });
}
