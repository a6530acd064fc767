/**
 * Clear-signing a CHECKSUM file with a throwaway key made here (its own GNUPGHOME, no passphrase)
 * and checking it with gpgv against an exported keyring, as a user of the drop would.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecksumFile, writeChecksumFile, type ChecksumEntry } from '../../src/compose/checksum-file.js';
import { isClearsigned } from '../../src/compose/clearsigned.js';
import { clearsignFile, exportPublicKey, verifyClearsigned } from '../../src/compose/signing.js';
import { sha256File } from '../../src/core/hash.js';
import { run } from '../../src/core/run.js';

let dir: string;
let gnupgHome: string;
let key: string;
let otherKey: string;
let keyring: string;

async function makeKey(uid: string): Promise<string> {
  const env = { GNUPGHOME: gnupgHome };
  await run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never'], { env, timeoutMs: 60_000 });
  const list = await run('gpg', ['--batch', '--with-colons', '--list-secret-keys', uid], { env, timeoutMs: 30_000 });
  return /^fpr:+([0-9A-F]{40}):/m.exec(list.stdout)![1]!;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-sign-'));
  // A short path: gpg-agent's socket lives in GNUPGHOME and socket paths are limited to 107 bytes.
  gnupgHome = await mkdtemp(join(tmpdir(), 'kg-'));
  key = await makeKey('kiln drop test <drop@kiln.invalid>');
  otherKey = await makeKey('someone else <else@kiln.invalid>');
  keyring = join(dir, 'drop-keys.gpg');
  await exportPublicKey(key, keyring, { gnupgHome });
});

afterAll(async () => {
  await run('gpgconf', ['--kill', 'gpg-agent'], { env: { GNUPGHOME: gnupgHome }, timeoutMs: 30_000 }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
  await rm(gnupgHome, { recursive: true, force: true });
});

async function checksumOfFiles(name: string): Promise<{ checksum: string; entries: ChecksumEntry[] }> {
  const sub = await mkdtemp(join(dir, `${name}-`));
  const entries: ChecksumEntry[] = [];
  for (const [file, body] of [['Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2', 'qcow2'], ['-leading-dash.raw', 'raw']] as const) {
    await writeFile(join(sub, file), body);
    entries.push({ file, size: body.length, sha256: await sha256File(join(sub, file)) });
  }
  const checksum = join(sub, 'Fedora-Cloud-19_Beta-1.3-x86_64-CHECKSUM');
  await writeChecksumFile(checksum, entries);
  return { checksum, entries };
}

describe('signing CHECKSUM files', () => {
  it('clear-signs in place; gpgv verifies it and sha256sum still checks the files', async () => {
    const { checksum, entries } = await checksumOfFiles('good');
    const plain = await readFile(checksum, 'utf8');
    await clearsignFile(checksum, { key, gnupgHome });
    const signed = await readFile(checksum, 'utf8');
    expect(isClearsigned(signed)).toBe(true);
    expect(signed).toContain(plain.split('\n')[1]);
    await verifyClearsigned(checksum, keyring);
    const sums = await run('sha256sum', ['-c', '--ignore-missing', checksum], { cwd: join(checksum, '..'), timeoutMs: 30_000 });
    expect(sums.stdout).toContain('Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2: OK');
    expect(sums.stdout).toContain('-leading-dash.raw: OK');
    expect(parseChecksumFile(signed)).toEqual([...entries].sort((a, b) => (a.file < b.file ? -1 : 1)));
    expect((await readdir(join(checksum, '..'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('gpgv refuses a signed file that was changed', async () => {
    const { checksum } = await checksumOfFiles('tampered');
    await clearsignFile(checksum, { key, gnupgHome });
    const signed = await readFile(checksum, 'utf8');
    await writeFile(checksum, signed.replace(/= [0-9a-f]{4}/, '= 0000'));
    await expect(verifyClearsigned(checksum, keyring)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID', message: expect.stringContaining(checksum) });
  });

  it('gpgv refuses a file signed with a key not in the keyring', async () => {
    const { checksum } = await checksumOfFiles('other');
    await clearsignFile(checksum, { key: otherKey, gnupgHome });
    await expect(verifyClearsigned(checksum, keyring)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('a key gpg does not have fails with a hint and leaves the file as it was', async () => {
    const { checksum } = await checksumOfFiles('nokey');
    const before = await readFile(checksum, 'utf8');
    await expect(clearsignFile(checksum, { key: '0xDEADBEEFDEADBEEF', gnupgHome })).rejects.toMatchObject({ code: 'COMMAND_FAILED', hint: expect.stringContaining('0xDEADBEEFDEADBEEF') });
    expect(await readFile(checksum, 'utf8')).toBe(before);
    expect((await readdir(join(checksum, '..'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
