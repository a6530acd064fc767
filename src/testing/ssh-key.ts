/**
 * A throwaway SSH key pair per boot test, made by ssh-keygen in the test's private (0700) work
 * directory: the private key never leaves it and is removed with it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../core/run.js';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export async function makeKeyPair(dir: string, comment: string, signal?: AbortSignal): Promise<KeyPair> {
  const privateKey = join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', privateKey], { timeoutMs: 30_000, signal });
  return { privateKey, publicKey: (await readFile(`${privateKey}.pub`, 'utf8')).trim() };
}
