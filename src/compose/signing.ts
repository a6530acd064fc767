/**
 * Clear-signing CHECKSUM files with gpg, and checking them with gpgv, the way release engineering
 * signs a compose's checksums and users verify them (`gpgv --keyring KEYS FILE`, then
 * `sha256sum -c --ignore-missing FILE`). The signed file replaces the plain one atomically under
 * the same name. GNUPGHOME is the user's unless `gnupgHome` says otherwise.
 */
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { tempSibling } from '../core/atomic.js';
import { KilnError } from '../core/errors.js';
import { run } from '../core/run.js';

export interface GpgOptions {
  /** A GnuPG home directory other than the user's (GNUPGHOME). */
  gnupgHome?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface SignOptions extends GpgOptions {
  /** The signing key: a key id, fingerprint or user id (`--sign-key`). */
  key: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

function gpgEnv(options: GpgOptions): Record<string, string | undefined> | undefined {
  return options.gnupgHome ? { GNUPGHOME: options.gnupgHome } : undefined;
}

/** Clear-signs `file` in place (gpg writes a temporary sibling that is renamed over it). */
export async function clearsignFile(file: string, options: SignOptions): Promise<void> {
  const tmp = tempSibling(file);
  try {
    await run('gpg', ['--batch', '--yes', '--clearsign', '--local-user', options.key, '--output', tmp, file], {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      env: gpgEnv(options),
      signal: options.signal,
      hint: `Check that the secret key ${options.key} is in the GnuPG keyring${options.gnupgHome ? ` at ${options.gnupgHome}` : ''} and can sign without a prompt (gpg --list-secret-keys).`,
    });
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Writes the public part of `key` to `outFile` as a binary keyring that `gpgv --keyring` reads. */
export async function exportPublicKey(key: string, outFile: string, options: GpgOptions = {}): Promise<void> {
  await run('gpg', ['--batch', '--yes', '--output', outFile, '--export', key], {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    env: gpgEnv(options),
    signal: options.signal,
  });
}

/**
 * Checks a clear-signed file against the keys in `keyring` (a file, as exportPublicKey writes)
 * with gpgv; throws SIGNATURE_INVALID when the signature is bad or made by another key.
 */
export async function verifyClearsigned(file: string, keyring: string, options: GpgOptions = {}): Promise<void> {
  try {
    // gpgv looks a keyring name without a slash up in GNUPGHOME: always pass a path.
    await run('gpgv', ['--keyring', resolve(keyring), file], {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      env: gpgEnv(options),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof KilnError && error.code === 'COMMAND_FAILED') {
      throw new KilnError('SIGNATURE_INVALID', `${file}: the signature does not verify with the keys in ${keyring}`, {
        fault: 'external',
        cause: error,
        details: error.details,
        hint: 'The file changed after it was signed, or it was signed with a key that is not in the keyring.',
      });
    }
    throw error;
  }
}
