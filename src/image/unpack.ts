/**
 * Compressed disk outputs back to a sparse raw file: `.raw.xz` through `xz -dc` into
 * `cp --sparse=always` (zero runs become holes again), `.raw.tar.xz` with GNU tar, which restores
 * its sparse member as a sparse file. Used where a compressed output must be booted.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { commandError, run, spawn } from '../core/run.js';
import { KilnError } from '../core/errors.js';
import { diskFullFrom } from './io-errors.js';

const UNPACK_TIMEOUT_MS = 6 * 3600_000;

export async function unpackRawXz(src: string, dst: string, signal?: AbortSignal): Promise<void> {
  const xz = spawn('xz', ['-dc', '--', src], { timeoutMs: UNPACK_TIMEOUT_MS, signal, stdout: 'pipe', buffer: false });
  const cp = spawn('cp', ['--sparse=always', '/dev/stdin', dst], { timeoutMs: UNPACK_TIMEOUT_MS, signal, stdin: 'pipe' });
  xz.stdout!.pipe(cp.stdin!);
  cp.stdin!.on('error', () => {});
  const results = await Promise.allSettled([
    xz.catch((e: unknown) => Promise.reject(commandError(e, 'xz', ['-dc', src]))),
    cp.catch((e: unknown) => Promise.reject(commandError(e, 'cp', ['--sparse=always', '/dev/stdin', dst]))),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await rm(dst, { force: true });
    throw diskFullFrom(failed.reason, dst) ?? failed.reason;
  }
}

/** Extracts the one disk image of a raw.tar.xz into `dst` (its member name does not matter). */
export async function unpackRawTarXz(src: string, dst: string, signal?: AbortSignal): Promise<void> {
  const dir = join(dirname(dst), `.unpack-${process.pid}`);
  await mkdir(dir, { recursive: true });
  try {
    await run('tar', ['-xJSf', src, '-C', dir], { timeoutMs: UNPACK_TIMEOUT_MS, signal }).catch((error: unknown) => {
      throw diskFullFrom(error, dst) ?? error;
    });
    const members = await readdir(dir);
    if (members.length !== 1) {
      throw new KilnError('IMAGE_ARCHIVE_UNEXPECTED', `${src} holds ${members.length} files; a raw.tar.xz holds one disk image`, { fault: 'user' });
    }
    await rename(join(dir, members[0]!), dst);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
