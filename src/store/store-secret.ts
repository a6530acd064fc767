/**
 * The store's own secret (<store>/secret, 32 random bytes, 0600), made once. The store key hashes
 * a kickstart's secrets (root password, LUKS passphrase, URL credentials …) only through an
 * HMAC with it, so record.json, `kiln images --inputs` and `build --json` show nothing that
 * guessing a password offline could be checked against: without the secret file, the hash says
 * nothing. Copying a store copies its secret; another store keys the same inputs differently.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../core/errors.js';

const SECRET_BYTES = 32;

export async function storeSecret(storeDir: string): Promise<Buffer> {
  const path = join(storeDir, 'secret');
  try {
    const fh = await open(path, 'wx', 0o600);
    const secret = randomBytes(SECRET_BYTES);
    await fh.writeFile(secret);
    await fh.close();
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new KilnError('STORE_UNWRITABLE', `cannot create ${path}`, { cause: error, fault: 'user' });
  }
  // Another build may have just created it: wait for its bytes.
  for (let i = 0; i < 50; i++) {
    const secret = await readFile(path);
    if (secret.length === SECRET_BYTES) return secret;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new KilnError('STORE_DAMAGED', `${path} is not a store secret (expected ${SECRET_BYTES} bytes)`, {
    fault: 'user',
    hint: 'Remove the file: a new one is made, and builds with secrets are keyed anew (they rebuild once).',
  });
}

/** HMAC-SHA256 of the secrets (in order) under the store's secret. */
export function keyedHash(secret: Buffer, values: readonly string[]): string {
  const mac = createHmac('sha256', secret);
  for (const v of values) mac.update(`${Buffer.byteLength(v)}:${v}\n`);
  return mac.digest('hex');
}
