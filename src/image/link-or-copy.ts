/**
 * Makes `dst` a name for the finished file `src` without copying it: a hard link (both live on
 * the outputs' filesystem). Where hard links are not allowed (vfat, some network filesystems),
 * a sparse-preserving copy (`cp --sparse=always --reflink=auto`) instead.
 */
import { link } from 'node:fs/promises';
import { run } from '../core/run.js';
import { diskFullFrom } from './io-errors.js';

const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK', 'ENOSYS']);

export async function linkOrCopy(src: string, dst: string, signal?: AbortSignal): Promise<void> {
  try {
    await link(src, dst);
    return;
  } catch (error) {
    if (!NO_LINKS.has((error as { code?: string }).code ?? '')) throw diskFullFrom(error, dst) ?? error;
  }
  await run('cp', ['--sparse=always', '--reflink=auto', '--', src, dst], { timeoutMs: 6 * 3600_000, signal }).catch((error: unknown) => {
    throw diskFullFrom(error, dst) ?? error;
  });
}
