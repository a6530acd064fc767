/**
 * Downloads for install media: streamed to a temporary file with progress events, hashed while
 * written, conditional GET (ETag / Last-Modified) so an unchanged file is not fetched again.
 * Node's fetch is the HTTP client (a standard piece of Node; no extra dependency needed).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { KilnError, interruptedError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import { tempSibling } from '../../core/atomic.js';

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface FetchResult {
  notModified: boolean;
  sha256?: string;
  bytes?: number;
  validators: Validators;
}

function fetchError(url: string, message: string, cause?: unknown): KilnError {
  return new KilnError('MEDIA_FETCH_FAILED', `${url}: ${message}`, {
    cause,
    fault: 'external',
    hint: 'Check that the install tree URL is right and reachable from this host.',
  });
}

async function get(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    if (signal?.aborted) throw interruptedError(signal.reason);
    throw fetchError(url, (error as Error).message, error);
  }
}

/** Fetches a small text file (e.g. .treeinfo). Returns undefined on 404. */
export async function fetchText(url: string, signal?: AbortSignal): Promise<string | undefined> {
  const response = await get(url, {}, signal);
  if (response.status === 404) return undefined;
  if (!response.ok) throw fetchError(url, `HTTP ${response.status} ${response.statusText}`);
  return response.text();
}

/**
 * Fetches `url` into `dest` (atomically). With `validators` from a previous fetch, the server may
 * answer 304 and nothing is written.
 */
export async function fetchToFile(
  url: string,
  dest: string,
  options: { validators?: Validators; emit: Emit; signal?: AbortSignal; label: string },
): Promise<FetchResult> {
  const headers: Record<string, string> = {};
  if (options.validators?.etag) headers['if-none-match'] = options.validators.etag;
  if (options.validators?.lastModified) headers['if-modified-since'] = options.validators.lastModified;
  const response = await get(url, headers, options.signal);
  if (response.status === 304) return { notModified: true, validators: options.validators ?? {} };
  if (!response.ok || !response.body) throw fetchError(url, `HTTP ${response.status} ${response.statusText}`);

  const total = Number(response.headers.get('content-length') ?? NaN);
  const hash = createHash('sha256');
  let done = 0;
  let lastEmit = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      done += chunk.length;
      const now = Date.now();
      if (now - lastEmit > 500) {
        lastEmit = now;
        options.emit({ type: 'progress', task: options.label, done, total: Number.isFinite(total) ? total : undefined, unit: 'bytes' });
      }
      cb(null, chunk);
    },
  });
  const tmp = tempSibling(dest);
  try {
    await pipeline(Readable.fromWeb(response.body as never), meter, createWriteStream(tmp), { signal: options.signal });
    await rename(tmp, dest);
  } catch (error) {
    await rm(tmp, { force: true });
    if (options.signal?.aborted) throw interruptedError(options.signal.reason);
    throw fetchError(url, (error as Error).message, error);
  }
  options.emit({ type: 'progress', task: options.label, done, total: done, unit: 'bytes' });
  return {
    notModified: false,
    sha256: hash.digest('hex'),
    bytes: done,
    validators: {
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    },
  };
}
