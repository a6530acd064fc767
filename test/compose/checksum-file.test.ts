import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatChecksumFile, parseChecksumFile, writeChecksumFile, type ChecksumEntry } from '../../src/compose/checksum-file.js';
import { clearsignedText } from '../../src/compose/clearsigned.js';
import { composeChecksumFileName, composeIdentity, composeImageFileName } from '../../src/compose/compose-identity.js';
import { sha256, sha256File } from '../../src/core/hash.js';
import { run, runUnchecked } from '../../src/core/run.js';
import { goldenFiles } from '../golden.js';

const golden = goldenFiles('compose');
const BETA = composeIdentity({ release: { name: 'Fedora', short: 'Fedora', version: '19', type: 'ga' }, variant: 'Cloud' }, { date: '20261125', type: 'production', respin: 0, label: 'Beta-1.3' });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-checksum-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Real small files, named like the example's x86_64 outputs. */
async function makeOutputs(): Promise<ChecksumEntry[]> {
  const entries: ChecksumEntry[] = [];
  for (const [name, ext, body] of [
    ['Fedora-Cloud-Base', 'raw.xz', 'raw xz bytes\n'],
    ['Fedora-Cloud-Base', 'qcow2', 'QFI\xfb qcow2 bytes'],
    ['Fedora-Cloud-Base-AmazonEC2', 'raw', '\0'.repeat(4096)],
    ['Fedora-Cloud-Base', 'raw.tar.xz', 'tar xz'],
  ] as const) {
    const file = composeImageFileName(BETA, { name }, 'x86_64', ext);
    await writeFile(join(dir, file), body);
    entries.push({ file, size: Buffer.byteLength(body), sha256: await sha256File(join(dir, file)) });
  }
  return entries;
}

describe('CHECKSUM files', () => {
  it('are written in Pungi\'s format, sorted by file name (golden)', async () => {
    const entries = ['Fedora-Cloud-Base-AmazonEC2-19_Beta-1.3.x86_64.raw', 'Fedora-Cloud-Base-19_Beta-1.3.x86_64.raw.xz', 'Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2'].map((file, i) => ({
      file,
      size: 1000 * (i + 1),
      sha256: sha256(file),
    }));
    const text = formatChecksumFile(entries);
    expect(text.split('\n')[0]).toBe('# Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2: 3000 bytes');
    expect(text.split('\n')[1]).toBe(`SHA256 (Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2) = ${sha256('Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2')}`);
    await golden.expect(composeChecksumFileName(BETA, 'x86_64'), text);
  });

  it('are accepted by sha256sum -c --ignore-missing, which also catches a changed file', async () => {
    const entries = await makeOutputs();
    const checksum = join(dir, composeChecksumFileName(BETA, 'x86_64'));
    // One listed file is not downloaded: --ignore-missing skips it.
    await writeChecksumFile(checksum, [...entries, { file: 'Fedora-Cloud-Base-19_Beta-1.3.x86_64.vagrant-libvirt.box', size: 1, sha256: 'a'.repeat(64) }]);
    const ok = await run('sha256sum', ['-c', '--ignore-missing', checksum], { cwd: dir, timeoutMs: 30_000 });
    for (const e of entries) expect(ok.stdout).toContain(`${e.file}: OK`);

    await writeFile(join(dir, entries[0]!.file), 'changed');
    const bad = await runUnchecked('sha256sum', ['-c', '--ignore-missing', checksum], { cwd: dir, timeoutMs: 30_000 });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain(`${entries[0]!.file}: FAILED`);
  });

  it('parse back to their entries', async () => {
    const entries = await makeOutputs();
    const sorted = [...entries].sort((a, b) => (a.file < b.file ? -1 : 1));
    expect(parseChecksumFile(formatChecksumFile(entries))).toEqual(sorted);
    expect(parseChecksumFile(`SHA256 (x) = ${'0'.repeat(64)}\n`)).toEqual([{ file: 'x', size: -1, sha256: '0'.repeat(64) }]);
  });

  it.each<[string, ChecksumEntry[], RegExp]>([
    ['a name with a slash', [{ file: 'a/b', size: 1, sha256: 'a'.repeat(64) }], /without slashes/],
    ['a name with a newline', [{ file: 'a\nb', size: 1, sha256: 'a'.repeat(64) }], /without slashes or newlines/],
    ['a digest that is not sha256', [{ file: 'a', size: 1, sha256: 'ABC' }], /64 lower-case hex/],
    ['a negative size', [{ file: 'a', size: -1, sha256: 'a'.repeat(64) }], /not a byte count/],
    ['a file twice', [{ file: 'a', size: 1, sha256: 'a'.repeat(64) }, { file: 'a', size: 1, sha256: 'a'.repeat(64) }], /listed twice/],
  ])('refuse %s', (_name, entries, message) => {
    expect(() => formatChecksumFile(entries)).toThrow(message);
  });

  it('read the signed text of a clear-signed file, undoing dash-escapes', () => {
    const signed = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n# a: 1 bytes\n- -dashed\nSHA256 (a) = x\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n';
    expect(clearsignedText(signed)).toBe('# a: 1 bytes\n-dashed\nSHA256 (a) = x\n');
    expect(clearsignedText('plain\n')).toBe('plain\n');
  });

  it('are written atomically: nothing but the file is left', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    await writeChecksumFile(join(sub, 'CHECKSUM'), []);
    expect(await readFile(join(sub, 'CHECKSUM'), 'utf8')).toBe('');
  });
});
