/**
 * A writer for "newc" cpio archives (SVR4 without CRC, magic 070701): the format the Linux kernel
 * unpacks as an initramfs. kiln uses it to inject `/ks.cfg` into an installer's initrd the way Oz
 * does: a gzipped archive appended to the original initrd. The kernel unpacks concatenated
 * (compressed) archives in order, so later files are added to — or replace — earlier ones.
 *
 * Hand-written on purpose: the `cpio` tool is not on a fresh machine, and no maintained npm
 * library writes newc (the packages that exist either only read cpio, only write the old binary
 * or odc formats, or have been unmaintained for years). The format is small: a 110-byte ASCII
 * header of hex fields, the NUL-terminated name and the data, each padded to 4 bytes.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { KilnError } from '../../core/errors.js';

interface EntryBase {
  /** Path inside the archive; a leading "/" is dropped ("/ks.cfg" is stored as "ks.cfg"). */
  path: string;
  /** Permission bits only (0o7777 at most); the file type comes from `type`. */
  mode?: number;
  /** Seconds since the epoch; 0 by default so that the same entries give the same bytes. */
  mtime?: number;
  uid?: number;
  gid?: number;
}

export type CpioEntry =
  | (EntryBase & { type: 'file'; data: string | Uint8Array })
  | (EntryBase & { type: 'directory' })
  | (EntryBase & { type: 'symlink'; target: string })
  | (EntryBase & { type: 'char-device' | 'block-device'; major: number; minor: number });

const MAGIC = '070701';
const TRAILER = 'TRAILER!!!';
const TYPE_BITS = {
  file: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  'char-device': 0o020000,
  'block-device': 0o060000,
} as const;
const DEFAULT_PERMISSIONS = { file: 0o644, directory: 0o755, symlink: 0o777, 'char-device': 0o600, 'block-device': 0o600 };
const MAX_U32 = 0xffff_ffff;

interface Header {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  filesize: number;
  rdevmajor: number;
  rdevminor: number;
  name: Buffer;
}

function hex8(value: number, field: string, path: string): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) {
    throw new KilnError('CPIO_INVALID_ENTRY', `cpio entry '${path}': ${field} ${value} does not fit the newc format`, {
      fault: 'kiln',
      hint: 'newc fields are unsigned 32-bit numbers (files up to 4 GiB).',
    });
  }
  return value.toString(16).padStart(8, '0');
}

const pad4 = (length: number): Buffer => Buffer.alloc((4 - (length % 4)) % 4);

function headerBytes(h: Header, path: string): Buffer {
  const fields = [h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime, h.filesize, 0, 0, h.rdevmajor, h.rdevminor, h.name.length + 1, 0];
  const names = ['ino', 'mode', 'uid', 'gid', 'nlink', 'mtime', 'filesize', 'devmajor', 'devminor', 'rdevmajor', 'rdevminor', 'namesize', 'check'];
  const text = MAGIC + fields.map((v, i) => hex8(v, names[i]!, path)).join('');
  const head = Buffer.concat([Buffer.from(text, 'ascii'), h.name, Buffer.from([0])]);
  return Buffer.concat([head, pad4(head.length)]);
}

function archiveName(path: string): Buffer {
  const name = path.replace(/^\/+/, '');
  if (name === '' || name.includes('\0')) {
    throw new KilnError('CPIO_INVALID_ENTRY', `cpio entry has an invalid path '${path}'`, { fault: 'kiln' });
  }
  return Buffer.from(name, 'utf8');
}

function permissions(entry: CpioEntry): number {
  const mode = entry.mode ?? DEFAULT_PERMISSIONS[entry.type];
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new KilnError('CPIO_INVALID_ENTRY', `cpio entry '${entry.path}': mode ${mode.toString(8)} is not permission bits`, {
      fault: 'kiln',
      hint: 'Give only permission bits (e.g. 0o644); the file type comes from the entry type.',
    });
  }
  return mode;
}

function entryData(entry: CpioEntry): Buffer {
  if (entry.type === 'file') return typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data);
  if (entry.type === 'symlink') return Buffer.from(entry.target, 'utf8');
  return Buffer.alloc(0);
}

/** The archive as bytes: every entry in order, then the trailer. Inode numbers start at 1. */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((entry, index) => {
    const data = entryData(entry);
    const device = entry.type === 'char-device' || entry.type === 'block-device';
    parts.push(
      headerBytes(
        {
          ino: index + 1,
          mode: TYPE_BITS[entry.type] | permissions(entry),
          uid: entry.uid ?? 0,
          gid: entry.gid ?? 0,
          nlink: entry.type === 'directory' ? 2 : 1,
          mtime: entry.mtime ?? 0,
          filesize: data.length,
          rdevmajor: device ? entry.major : 0,
          rdevminor: device ? entry.minor : 0,
          name: archiveName(entry.path),
        },
        entry.path,
      ),
      data,
      pad4(data.length),
    );
  });
  const trailer = { ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, filesize: 0, rdevmajor: 0, rdevminor: 0 };
  parts.push(headerBytes({ ...trailer, name: Buffer.from(TRAILER, 'ascii') }, TRAILER));
  return Buffer.concat(parts);
}

/** The archive, gzip-compressed (what the kernel accepts appended to an initrd). */
export async function gzipCpio(entries: readonly CpioEntry[]): Promise<Buffer> {
  return promisify(gzip)(cpioNewc(entries), { level: 9 });
}

/**
 * `initrd` followed by a gzipped archive of `entries`. The original is zero-padded to a 4-byte
 * boundary first (the kernel skips zero bytes between archives), so this works whether the
 * original ends with a compressed or an uncompressed archive.
 */
export async function appendToInitrd(initrd: Uint8Array, entries: readonly CpioEntry[]): Promise<Buffer> {
  return Buffer.concat([Buffer.from(initrd), pad4(initrd.length), await gzipCpio(entries)]);
}
