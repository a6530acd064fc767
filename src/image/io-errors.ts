/**
 * Recognises "the disk is full" in whatever shape it arrives (a Node ENOSPC, or a tool's stderr
 * saying "No space left on device") and turns it into one clear KilnError.
 */
import { dirname } from 'node:path';
import { KilnError, isKilnError } from '../core/errors.js';

const ENOSPC_TEXT = /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/i;

function mentionsNoSpace(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || error === undefined) return false;
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  if (error instanceof Error && ENOSPC_TEXT.test(error.message)) return true;
  if (isKilnError(error) && error.details.some((line) => ENOSPC_TEXT.test(line))) return true;
  const stderr = (error as { stderr?: unknown }).stderr;
  if (typeof stderr === 'string' && ENOSPC_TEXT.test(stderr)) return true;
  return mentionsNoSpace((error as { cause?: unknown }).cause, depth + 1);
}

/** A DISK_FULL error if `error` says the disk is full, else undefined. */
export function diskFullFrom(error: unknown, path: string): KilnError | undefined {
  if (isKilnError(error) && error.code === 'DISK_FULL') return error;
  if (!mentionsNoSpace(error)) return undefined;
  return new KilnError('DISK_FULL', `no space left on the device holding ${dirname(path)} while writing ${path}`, {
    cause: error,
    fault: 'user',
    hint: 'Free space there or give another output directory (--out); nothing half-written was kept.',
  });
}
