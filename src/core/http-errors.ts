/**
 * What an HTTP failure says: the URL (credentials hidden) and the cause in words a user can act
 * on — the errno of a refused or reset connection, which timeout fired after how long, the HTTP
 * status — built in this one place for every fetch site of kiln.
 */
import type { ErrorCode } from './error-catalogue.js';
import { KilnError } from './errors.js';

export interface FailureContext {
  connectMs?: number;
  idleMs?: number;
  /** The failure came while reading the body (headers were fine). */
  reading?: boolean;
  status?: number;
  statusText?: string;
  code?: ErrorCode;
  hint?: string;
}

const RETRYABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed for now',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate cannot be verified',
};

/** The URL without user:password (they never reach a message). */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, '$1');
}

/** The innermost error code of an error chain (undici wraps the socket's errno in `cause`). */
function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && !e.code.startsWith('UND_ERR_ABORTED')) {
      const inner = errorCode(e.cause);
      return inner && WORDS[inner] ? inner : e.code;
    }
  }
  return undefined;
}

const seconds = (ms: number | undefined) => `${Math.round((ms ?? 0) / 1000)} s`;

export function describeCause(error: unknown, c: FailureContext): string {
  if (c.status !== undefined) return `HTTP ${c.status}${c.statusText ? ` ${c.statusText}` : ''}`;
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `could not connect within ${seconds(c.connectMs)} (timeout)`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return `no answer within ${seconds(c.idleMs)} (timeout)`;
  if (code === 'UND_ERR_BODY_TIMEOUT') return `no data for ${seconds(c.idleMs)} while reading the body (timeout)`;
  if (code && WORDS[code]) return `${WORDS[code]} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}

export function httpFailure(url: string, error: unknown, c: FailureContext): KilnError {
  const reason = describeCause(error, c);
  const failure = new KilnError(c.code ?? 'HTTP_FAILED', `${displayUrl(url)}: ${reason}`, {
    cause: error,
    fault: c.status !== undefined && c.status < 500 ? 'user' : 'external',
    hint: c.hint ?? 'Check that the URL is right and the server answers from this host.',
  });
  Object.defineProperty(failure, 'reason', { value: reason });
  Object.defineProperty(failure, 'retryable', {
    value: c.status !== undefined ? c.status >= 500 || c.status === 429 : !c.reading && RETRYABLE_ERRNOS.has(errorCode(error) ?? ''),
  });
  return failure;
}

/** Whether a failure of httpRequest is worth another attempt. */
export function isRetryableHttp(error: KilnError): boolean {
  return (error as KilnError & { retryable?: boolean }).retryable === true;
}

/** The cause alone ("HTTP 404 Not Found"), for a caller that names the URL itself. */
export function httpReason(error: unknown): string | undefined {
  const reason = (error as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? reason : undefined;
}
