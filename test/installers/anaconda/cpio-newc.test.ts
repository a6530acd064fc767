import { lstat, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dir, type DirectoryResult } from 'tmp-promise';
import { appendToInitrd, cpioNewc, gzipCpio, type CpioEntry } from '../../../src/installers/anaconda/cpio-newc.js';
import { run } from '../../../src/core/run.js';
import { isKilnError } from '../../../src/core/errors.js';

let tmp: DirectoryResult;
beforeEach(async () => {
  tmp = await dir({ unsafeCleanup: true });
});
afterEach(async () => {
  await tmp.cleanup();
});

/** Extracts `archive` with GNU cpio (an independent reader) into a fresh directory. */
async function extract(archive: Buffer, name = 'out'): Promise<{ root: string; listing: string }> {
  const file = join(tmp.path, `${name}.cpio`);
  await writeFile(file, archive);
  const root = join(tmp.path, name);
  await run('mkdir', ['-p', root], { timeoutMs: 5_000 });
  const result = await run('cpio', ['-idmv', '--no-absolute-filenames'], { cwd: root, stdin: { file }, timeoutMs: 30_000 });
  return { root, listing: result.stderr };
}

const bytes = Buffer.from(Array.from({ length: 1021 }, (_, i) => (i * 7) % 256));

const entries: CpioEntry[] = [
  { type: 'directory', path: 'etc', mode: 0o755, mtime: 1_600_000_000 },
  { type: 'directory', path: 'etc/sub.d', mode: 0o700 },
  { type: 'file', path: '/ks.cfg', data: 'text\npoweroff\n', mode: 0o600, mtime: 1_700_000_000 },
  { type: 'file', path: 'etc/empty', data: '' },
  { type: 'file', path: 'etc/a', data: 'x' },
  { type: 'file', path: 'etc/ab', data: 'xy' },
  { type: 'file', path: 'etc/abc', data: 'xyz' },
  { type: 'file', path: 'etc/abcd', data: 'wxyz' },
  { type: 'file', path: 'etc/sub.d/binary.bin', data: bytes, mode: 0o755 },
  { type: 'file', path: 'etc/utf8-ünïcode name', data: 'ü\n' },
  { type: 'symlink', path: 'etc/link', target: 'abc' },
  { type: 'symlink', path: 'etc/dangling-link-with-odd-len', target: '/nowhere/at/all' },
];

describe('cpioNewc', () => {
  it('produces an archive GNU cpio extracts with the same contents', async () => {
    const { root, listing } = await extract(cpioNewc(entries));
    for (const e of entries) expect(listing).toContain(e.path.replace(/^\//, ''));
    for (const e of entries.filter((x) => x.type === 'file')) {
      const expected = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data);
      expect(await readFile(join(root, e.path))).toEqual(expected);
    }
  });

  it.each([
    ['ks.cfg', 0o100600],
    ['etc', 0o040755],
    ['etc/sub.d', 0o040700],
    ['etc/empty', 0o100644],
    ['etc/sub.d/binary.bin', 0o100755],
    ['etc/link', 0o120777],
  ])('keeps type and mode of %s', async (path, mode) => {
    const { root } = await extract(cpioNewc(entries));
    expect((await lstat(join(root, path))).mode).toBe(mode);
  });

  it.each([
    ['etc/link', 'abc'],
    ['etc/dangling-link-with-odd-len', '/nowhere/at/all'],
  ])('stores symlink %s -> %s', async (path, target) => {
    const { root } = await extract(cpioNewc(entries));
    expect(await readlink(join(root, path))).toBe(target);
  });

  it('keeps mtimes (cpio -m)', async () => {
    const { root } = await extract(cpioNewc(entries));
    expect((await lstat(join(root, 'ks.cfg'))).mtimeMs).toBe(1_700_000_000_000);
    expect((await lstat(join(root, 'etc/empty'))).size).toBe(0);
  });

  it('aligns every header and data block to 4 bytes and ends with the trailer', () => {
    const archive = cpioNewc(entries);
    expect(archive.length % 4).toBe(0);
    let offset = 0;
    const names: string[] = [];
    while (offset < archive.length) {
      expect(offset % 4).toBe(0);
      const header = archive.subarray(offset, offset + 110).toString('ascii');
      expect(header.slice(0, 6)).toBe('070701');
      const size = parseInt(header.slice(54, 62), 16);
      const nameSize = parseInt(header.slice(94, 102), 16);
      names.push(archive.subarray(offset + 110, offset + 110 + nameSize - 1).toString('utf8'));
      offset = Math.ceil((offset + 110 + nameSize) / 4) * 4;
      offset = Math.ceil((offset + size) / 4) * 4;
    }
    expect(offset).toBe(archive.length);
    expect(names.at(-1)).toBe('TRAILER!!!');
    expect(names).toHaveLength(entries.length + 1);
  });

  it('is deterministic', () => {
    expect(cpioNewc(entries).equals(cpioNewc(entries))).toBe(true);
  });

  it.each<[string, CpioEntry]>([
    ['an empty path', { type: 'file', path: '/', data: '' }],
    ['type bits in mode', { type: 'file', path: 'x', data: '', mode: 0o100644 }],
    ['a negative uid', { type: 'file', path: 'x', data: '', uid: -1 }],
  ])('rejects %s', (_name, entry) => {
    let error: unknown;
    try {
      cpioNewc([entry]);
    } catch (e) {
      error = e;
    }
    expect(isKilnError(error) && error.code).toBe('CPIO_INVALID_ENTRY');
  });
});

describe('gzipCpio and appendToInitrd', () => {
  it('gzips an archive gzip -d and cpio can read', async () => {
    const file = join(tmp.path, 'a.cpio.gz');
    await writeFile(file, await gzipCpio(entries));
    const plain = await run('gzip', ['-dc', file], { timeoutMs: 10_000, binary: true });
    const { root } = await extract(Buffer.from(plain.stdout, 'latin1'), 'gz');
    expect(await readFile(join(root, 'ks.cfg'), 'utf8')).toBe('text\npoweroff\n');
  });

  it.each([[0], [1], [2], [3]])('appends to an initrd of length 4n+%i at a 4-byte boundary', async (extra) => {
    const initrd = Buffer.alloc(64 + extra, 0x41);
    const out = await appendToInitrd(initrd, [{ type: 'file', path: '/ks.cfg', data: 'poweroff\n' }]);
    expect(out.subarray(0, initrd.length).equals(initrd)).toBe(true);
    const start = Math.ceil(initrd.length / 4) * 4;
    expect(out.subarray(initrd.length, start).every((b) => b === 0)).toBe(true);
    expect(out.subarray(start, start + 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const { root } = await extract(gunzipSync(out.subarray(start)), `append${extra}`);
    expect(await readFile(join(root, 'ks.cfg'), 'utf8')).toBe('poweroff\n');
  });
});
