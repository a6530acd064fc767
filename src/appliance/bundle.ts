/**
 * Appliance bundles: a tarball holding one directory with the descriptor and the files it names
 * (the appliance target's plain tar of qcow2 disks, or sparse tar.xz of raw ones; any tar GNU tar
 * reads), or a bare descriptor with its files beside it. GNU tar does the reading: its listing
 * gives each member's size before anything is unpacked (and fails on a truncated bundle), a
 * single member can be taken out alone (the descriptor, for `check`), and a sparse member comes
 * back sparse.
 */
import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { KilnError, isKilnError } from '../core/errors.js';
import { run } from '../core/run.js';
import { diskFullFrom } from '../image/io-errors.js';

export interface BundleMember {
  path: string;
  /** Apparent size in bytes (a sparse member's full size). */
  size: number;
  type: 'file' | 'dir' | 'other';
}

export type BundleKind = 'descriptor' | 'tar';

const UNPACK_TIMEOUT_MS = 6 * 3600_000;

export function bundleKind(path: string): BundleKind {
  return /\.xml$/i.test(path) ? 'descriptor' : 'tar';
}

/** What tar says when a bundle ends early (a download cut short, a copy that ran out of space). */
const TRUNCATED = /Unexpected EOF|unexpected end of (file|input)|Compressed data is corrupt|Unexpected end of input|invalid tar magic|This does not look like a tar archive|not in gzip format|File format not recognized/i;

function bundleError(error: unknown, bundle: string): unknown {
  if (!isKilnError(error)) return error;
  const said = [error.message, ...error.details].join('\n');
  if (TRUNCATED.test(said)) {
    return new KilnError('APPLIANCE_BUNDLE_TRUNCATED', `${bundle} is truncated or damaged: tar cannot read it to the end`, {
      cause: error,
      fault: 'user',
      details: error.details,
      hint: 'Download or copy the bundle again and compare it with its .sha256.',
    });
  }
  return error;
}

/** Parses `tar -tvf` lines (GNU tar's --numeric-owner listing). */
export function parseListing(stdout: string): BundleMember[] {
  const out: BundleMember[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S)\S{9}\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!m) continue;
    const path = m[3]!.replace(/ -> .*$/, '').replace(/ link to .*$/, '');
    out.push({ path: path.replace(/\/$/, ''), size: Number(m[2]), type: m[1] === '-' ? 'file' : m[1] === 'd' ? 'dir' : 'other' });
  }
  return out;
}

/** The members of a tar bundle, read to its end (a truncated bundle fails here, before anything is unpacked). */
export async function listBundle(bundle: string, signal?: AbortSignal): Promise<BundleMember[]> {
  try {
    const { stdout } = await run('tar', ['-tv', '--numeric-owner', '-f', bundle], { timeoutMs: UNPACK_TIMEOUT_MS, signal });
    return parseListing(stdout);
  } catch (error) {
    throw bundleError(error, bundle);
  }
}

/** The descriptor member: the one .xml file at the top or in the top directory. */
export function descriptorMember(members: BundleMember[], bundle: string): string {
  const xml = members.filter((m) => m.type === 'file' && m.path.endsWith('.xml') && m.path.split('/').length <= 2);
  if (xml.length !== 1) {
    throw new KilnError('APPLIANCE_BUNDLE_INVALID', `${bundle}: ${xml.length === 0 ? 'no descriptor (<name>/<name>.xml)' : `${xml.length} descriptors (${xml.map((m) => m.path).join(', ')})`} in the bundle`, {
      fault: 'user',
      hint: 'An appliance bundle holds one directory with the descriptor and the disk files it names.',
    });
  }
  return xml[0]!.path;
}

/** Takes members out of the bundle into `dir` (all when none are named); a disk that fills up is DISK_FULL. */
export async function extractBundle(bundle: string, dir: string, members: string[] = [], signal?: AbortSignal): Promise<void> {
  try {
    await run('tar', ['-x', '-S', '--no-same-owner', '--no-same-permissions', '-f', bundle, '-C', dir, '--', ...members], { timeoutMs: UNPACK_TIMEOUT_MS, signal });
  } catch (error) {
    throw diskFullFrom(error, join(dir, basename(bundle))) ?? bundleError(error, bundle);
  }
}

/**
 * The boot test's view of a bundle: unpacks it into `dir` and returns the descriptor's path.
 * (Deployments unpack through the instance store, which checks space and checksums first.)
 */
export async function unpackForTest(bundle: string, dir: string, signal?: AbortSignal): Promise<string> {
  const members = await listBundle(bundle, signal);
  const descriptor = descriptorMember(members, bundle);
  try {
    await extractBundle(bundle, dir, [], signal);
  } catch (error) {
    for (const name of await readdir(dir).catch(() => [])) await rm(join(dir, name), { recursive: true, force: true });
    throw error;
  }
  return join(dir, descriptor);
}
