/**
 * Before anything is sent: every file of an import item must be there with the size and SHA-256
 * its record gives. A file changed since it was made (or tampered with) is refused here, so no
 * NVR is reserved and nothing is uploaded.
 */
import { stat } from 'node:fs/promises';
import { KilnError, interruptedError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import { sha256File } from '../../core/hash.js';
import type { ImportItem } from './item.js';

export async function verifyItemFiles(item: ImportItem, emit: Emit, signal?: AbortSignal): Promise<void> {
  const problems: string[] = [];
  const total = item.files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  for (const f of item.files) {
    if (signal?.aborted) throw interruptedError(signal.reason);
    const size = await stat(f.path).then((s) => s.size, () => undefined);
    if (size === undefined) problems.push(`${f.path}: missing`);
    else if (size !== f.size) problems.push(`${f.path}: ${size} bytes, its record says ${f.size}`);
    else {
      const sum = await sha256File(f.path);
      if (sum !== f.sha256) problems.push(`${f.path}: SHA-256 ${sum}, its record says ${f.sha256}`);
    }
    done += f.size;
    emit({ type: 'progress', task: 'verify files', done, total, unit: 'bytes' });
  }
  if (problems.length > 0) {
    throw new KilnError('KOJI_FILE_MISMATCH', `${problems.length} file${problems.length > 1 ? 's do' : ' does'} not match ${problems.length > 1 ? 'their records' : 'its record'}; nothing was imported`, {
      fault: 'user',
      details: problems,
      hint: 'The outputs changed after kiln made them. Make them again (kiln target --force) and import again.',
    });
  }
}
