/**
 * Uploads one file to the hub's work area with `uploadFile`: chunks at explicit offsets, each with
 * its SHA-256 (the hub refuses a chunk that arrived damaged and it is sent again), then a final
 * call (offset -1) in which the hub checks the whole file's SHA-256. One chunk is in memory at a
 * time. Resumable: `checkUpload` says how much of the file an earlier attempt left there; when
 * those bytes are this file's first bytes, the upload goes on from there. The file is hashed as it
 * is read and must still be the file that was checked before the import started.
 */
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { KilnError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import type { KojiSession } from './session.js';
import { asNumber } from './xmlrpc.js';

/** Koji's own client sends 1 MiB; 2 MiB halves the calls and, base64-encoded, stays under the hub's default MaxRequestLength (4 MiB). */
export const DEFAULT_CHUNK = 2 * 1024 * 1024;
const MAX_CHUNK = 2.5 * 1024 * 1024;
const CHUNK_ATTEMPTS = 3;

export interface UploadRequest {
  session: KojiSession;
  /** Local file. */
  file: string;
  /** Directory in the hub's work area, and the file's name there. */
  dir: string;
  name: string;
  /** What the file must be (checked before the import; a change since is refused). */
  size: number;
  sha256: string;
  chunkSize?: number;
  emit: Emit;
  signal?: AbortSignal;
}

export interface UploadResult {
  /** Bytes an earlier attempt had already sent. */
  resumedFrom: number;
  sent: number;
}

const digest = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function changed(file: string, what: string): KilnError {
  return new KilnError('KOJI_FILE_CHANGED', `${file} changed while it was being uploaded (${what})`, {
    fault: 'user',
    hint: 'Nothing was imported. Leave the files alone during the import and run it again.',
  });
}

/** How much of the file the hub already has and whether those bytes are ours; -1 when they are not. */
async function resumePoint(r: UploadRequest, read: (pos: number, len: number) => Promise<Buffer>, hash: ReturnType<typeof createHash>): Promise<number> {
  const have = await r.session.call<Record<string, unknown> | null>('checkUpload', [r.dir, r.name], { verify: 'sha256' }, { idempotent: true, signal: r.signal });
  if (!have) return 0;
  const size = asNumber(have.size) ?? -1;
  // An empty file there cannot be written at offset 0 again (the hub refuses to overwrite).
  if (size < 0 || size > r.size || (size === 0 && r.size > 0)) return -1;
  const prefix = createHash('sha256');
  for (let pos = 0; pos < size; ) {
    const chunk = await read(pos, Math.min(MAX_CHUNK, size - pos));
    prefix.update(chunk);
    hash.update(chunk);
    pos += chunk.length;
  }
  return prefix.digest('hex') === have.hexdigest ? size : -1;
}

export async function uploadToHub(r: UploadRequest): Promise<UploadResult> {
  const chunkSize = Math.min(r.chunkSize ?? DEFAULT_CHUNK, MAX_CHUNK);
  const fh = await open(r.file, 'r');
  try {
    const read = async (pos: number, len: number) => {
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, pos);
      if (bytesRead !== len) throw changed(r.file, `it is shorter than ${r.size} bytes`);
      return buf;
    };
    const hash = createHash('sha256');
    const resumedFrom = await resumePoint(r, read, hash);
    if (resumedFrom < 0) {
      throw new KilnError('KOJI_UPLOAD_CONFLICT', `the hub holds a different ${r.name} in ${r.dir}`, { fault: 'external' });
    }
    const started = performance.now();
    const task = `upload ${r.name}`;
    r.emit({ type: 'progress', task, done: resumedFrom, total: r.size, unit: 'bytes', detail: resumedFrom > 0 ? `resumed at ${resumedFrom}` : undefined });
    for (let pos = resumedFrom; pos < r.size; ) {
      const chunk = await read(pos, Math.min(chunkSize, r.size - pos));
      hash.update(chunk);
      const data = chunk.toString('base64');
      const sum = digest(chunk);
      for (let attempt = 1; ; attempt++) {
        const ok = await r.session.call<boolean>('uploadFile', [r.dir, r.name, String(chunk.length), ['sha256', sum], String(pos), data], undefined, { idempotent: true, signal: r.signal });
        if (ok) break;
        if (attempt >= CHUNK_ATTEMPTS) throw new KilnError('KOJI_UPLOAD_FAILED', `the hub refused ${r.name} at offset ${pos} ${attempt} times (size or checksum mismatch in transit)`, { fault: 'external' });
      }
      pos += chunk.length;
      const seconds = (performance.now() - started) / 1000;
      r.emit({ type: 'progress', task, done: pos, total: r.size, unit: 'bytes', rate: seconds > 0 ? (pos - resumedFrom) / seconds : undefined });
    }
    const whole = hash.digest('hex');
    if (whole !== r.sha256) throw changed(r.file, `its SHA-256 is now ${whole}, not ${r.sha256}`);
    // Offset -1: the hub truncates to the size and checks the whole file's checksum.
    const ok = await r.session.call<boolean>('uploadFile', [r.dir, r.name, String(r.size), ['sha256', r.sha256], -1, ''], undefined, { idempotent: true, signal: r.signal });
    if (!ok) throw new KilnError('KOJI_UPLOAD_FAILED', `the hub's copy of ${r.name} does not match its SHA-256`, { fault: 'external', hint: 'Run the import again; it resumes.' });
    return { resumedFrom, sent: r.size - resumedFrom };
  } finally {
    await fh.close();
  }
}
