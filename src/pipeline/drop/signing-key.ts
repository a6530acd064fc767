/** --sign-key is checked before any work starts: gpg must have the secret key. */
import { KilnError } from '../../core/errors.js';
import { runUnchecked } from '../../core/run.js';
import { requireTools } from '../../core/tools.js';

export async function checkSigningKey(key: string, gnupgHome: string | undefined, signal?: AbortSignal): Promise<void> {
  await requireTools(['gpg'], '--sign-key');
  const r = await runUnchecked('gpg', ['--batch', '--list-secret-keys', key], { timeoutMs: 30_000, signal, env: gnupgHome ? { GNUPGHOME: gnupgHome } : undefined });
  if (r.exitCode !== 0) {
    throw new KilnError('SIGN_KEY_MISSING', `gpg has no secret key ${key}`, { usage: true, fault: 'user', hint: "List the keys with 'gpg --list-secret-keys'; GNUPGHOME picks another keyring." });
  }
}
