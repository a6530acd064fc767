/**
 * The one HTTP client of kiln (install media, payload identity, the guest server's relay, TDL
 * files, %include over http): undici underneath, with a connect timeout, an idle timeout (no
 * byte of headers or body for that long), redirects, retries where they are safe (GET and HEAD,
 * before any body byte was handed out: refused or dropped connections, timeouts, 5xx and 429),
 * the run's abort signal, and the cause in every message — "connection refused (ECONNREFUSED)",
 * "no answer within 30 s (timeout)", "HTTP 404 Not Found" — never a bare "fetch failed".
 */
import type { Readable } from 'node:stream';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import type { ErrorCode } from './error-catalogue.js';
import { KilnError, interruptedError } from './errors.js';
import { httpFailure, isRetryableHttp } from './http-errors.js';

export interface HttpOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Deadline to establish the connection (default 15 s). */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for headers or body bytes (default 30 s). */
  idleTimeoutMs?: number;
  /** Attempts in all (default 3); a response with a body already read is never retried. */
  attempts?: number;
  /** Told before each retry (the caller emits a warning: nothing is silent for minutes). */
  onRetry?: (error: KilnError, attempt: number, delayMs: number) => void;
  /** The KilnError code of a failure (default HTTP_FAILED) and its hint. */
  code?: ErrorCode;
  hint?: string;
}

export interface HttpResponse {
  url: string;
  status: number;
  statusText: string;
  ok: boolean;
  header(name: string): string | undefined;
  /** The body as a stream (its idle timeout still applies), or read whole. */
  body: Readable;
  /** Drops the body unread (the connection is freed). */
  discard(): void;
  text(): Promise<string>;
  bytes(): Promise<Buffer>;
}

/** A function with the helper's shape (tests inject one; the default is httpRequest). */
export type HttpFetch = (url: string, options?: HttpOptions) => Promise<HttpResponse>;

export const HTTP_DEFAULTS = { connectTimeoutMs: 15_000, idleTimeoutMs: 30_000, attempts: 3, backoffMs: 1_000 };

const agents = new Map<string, Dispatcher>();

function agentFor(connectMs: number, idleMs: number): Dispatcher {
  const key = `${connectMs}/${idleMs}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: { timeout: connectMs }, headersTimeout: idleMs, bodyTimeout: idleMs, keepAliveTimeout: 4_000 }).compose(
      interceptors.redirect({ maxRedirections: 10 }),
    );
    agents.set(key, agent);
  }
  return agent;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 416: 'Range Not Satisfiable', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(interruptedError(signal!.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function attempt(url: string, o: HttpOptions, connectMs: number, idleMs: number): Promise<HttpResponse> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { method: o.method ?? 'GET', headers: o.headers, signal: o.signal, dispatcher: agentFor(connectMs, idleMs) });
  } catch (error) {
    if (o.signal?.aborted) throw interruptedError(o.signal.reason);
    throw httpFailure(url, error, { connectMs, idleMs, code: o.code, hint: o.hint });
  }
  const wrapBody = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (o.signal?.aborted) throw interruptedError(o.signal.reason);
      throw httpFailure(url, error, { connectMs, idleMs, code: o.code, hint: o.hint, reading: true });
    }
  };
  const header = (name: string): string | undefined => {
    const v = res.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  return {
    url,
    status: res.statusCode,
    statusText: STATUS_TEXT[res.statusCode] ?? '',
    ok: res.statusCode >= 200 && res.statusCode < 300,
    header,
    body: res.body,
    discard: () => {
      res.body.on('error', () => {});
      res.body.destroy();
    },
    text: () => wrapBody(() => res.body.text()),
    bytes: () => wrapBody(async () => Buffer.from(await res.body.arrayBuffer())),
  };
}

/**
 * One request with retries. A 5xx or 429 answer is retried (its body dropped) and, after the
 * last attempt, returned as it is: callers decide what a status means (404 may be "absent").
 */
export async function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const connectMs = options.connectTimeoutMs ?? HTTP_DEFAULTS.connectTimeoutMs;
  const idleMs = options.idleTimeoutMs ?? HTTP_DEFAULTS.idleTimeoutMs;
  const attempts = Math.max(1, options.attempts ?? HTTP_DEFAULTS.attempts);
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) throw interruptedError(options.signal.reason);
    let failure: KilnError;
    try {
      const res = await attempt(url, options, connectMs, idleMs);
      if (n >= attempts || !(res.status >= 500 || res.status === 429)) return res;
      res.discard();
      failure = httpFailure(url, undefined, { connectMs, idleMs, status: res.status, statusText: res.statusText, code: options.code, hint: options.hint });
    } catch (error) {
      if (!(error instanceof KilnError) || error.code === 'INTERRUPTED' || n >= attempts || !isRetryableHttp(error)) throw error;
      failure = error;
    }
    const delay = HTTP_DEFAULTS.backoffMs * 2 ** (n - 1);
    options.onRetry?.(failure, n, delay);
    await sleep(delay, options.signal);
  }
}

/** GET and read the whole body; a status other than 2xx fails with the status in the message. */
export async function httpGetText(url: string, options: HttpOptions = {}, fetcher: HttpFetch = httpRequest): Promise<string> {
  const res = await fetcher(url, options);
  if (!res.ok) {
    res.discard();
    throw httpFailure(url, undefined, { status: res.status, statusText: res.statusText, code: options.code, hint: options.hint });
  }
  return res.text();
}
