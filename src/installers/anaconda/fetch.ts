/**
 * Downloads for install media: streamed to a temporary file with progress events, hashed while
 * written, conditional GET (ETag / Last-Modified) so an unchanged file is not fetched again.
 * kiln's HTTP helper (core/http.ts) is the client: timeouts, retries and the cause in the message.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { KilnError, interruptedError, isKilnError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import { tempSibling } from '../../core/atomic.js';
import { HTTP_DEFAULTS, httpRequest, type HttpResponse } from '../../core/http.js';
import { describeCause, displayUrl } from '../../core/http-errors.js';

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

const HINT = 'Check that the install tree URL is right and reachable from this host.';

function fetchError(url: string, message: string, cause?: unknown): KilnError {
  return new KilnError('MEDIA_FETCH_FAILED', `${displayUrl(url)}: ${message}`, { cause, fault: 'external', hint: HINT });
}

function get(url: string, headers: Record<string, string>, emit: Emit | undefined, signal?: AbortSignal): Promise<HttpResponse> {
  return httpRequest(url, {
    headers,
    signal,
    code: 'MEDIA_FETCH_FAILED',
    hint: HINT,
    onRetry: (error, attempt, delayMs) =>
      emit?.({ type: 'message', level: 'warn', code: 'MEDIA_FETCH_RETRY', text: `${error.message}; retrying in ${Math.round(delayMs / 1000)} s (attempt ${attempt + 1})` }),
  });
}

/** Fetches a small text file (e.g. .treeinfo). Returns undefined on 404. */
export async function fetchText(url: string, signal?: AbortSignal, emit?: Emit): Promise<string | undefined> {
  const response = await get(url, {}, emit, signal);
  if (response.status === 404) {
    response.discard();
    return undefined;
  }
  if (!response.ok) {
    response.discard();
    throw fetchError(url, `HTTP ${response.status} ${response.statusText}`.trim());
  }
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
  const response = await get(url, headers, options.emit, options.signal);
  if (response.status === 304) {
    response.discard();
    return { notModified: true, validators: options.validators ?? {} };
  }
  if (!response.ok) {
    response.discard();
    throw fetchError(url, `HTTP ${response.status} ${response.statusText}`.trim());
  }

  const total = Number(response.header('content-length') ?? NaN);
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
    await pipeline(response.body, meter, createWriteStream(tmp), { signal: options.signal });
    await rename(tmp, dest);
  } catch (error) {
    await rm(tmp, { force: true });
    if (options.signal?.aborted) throw interruptedError(options.signal.reason);
    if (isKilnError(error)) throw error;
    throw fetchError(url, describeCause(error, { idleMs: HTTP_DEFAULTS.idleTimeoutMs, reading: true }), error);
  }
  options.emit({ type: 'progress', task: options.label, done, total: done, unit: 'bytes' });
  return {
    notModified: false,
    sha256: hash.digest('hex'),
    bytes: done,
    validators: {
      etag: response.header('etag'),
      lastModified: response.header('last-modified'),
    },
  };
}

