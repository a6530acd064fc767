/**
 * Retries with exponential backoff and full jitter, and a deadline per attempt: every attempt gets
 * its own AbortSignal that fires after `timeoutMs` (or when the caller's signal fires), so a hung
 * request is cut off and tried again instead of hanging the upload.
 *
 * Hand-written because the SDK's own retry strategy has no per-attempt deadline that aborts the
 * request, and EBS direct uploads need one (a stalled PUT must not hold a worker for minutes).
 */
import { interruptedError } from '../../core/errors.js';

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Deadline of one attempt. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Which failures are worth another attempt (default: `isRetryable`). */
  retryable?: (error: unknown) => boolean;
  /** Called before each retry (for debug events and counters). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Source of randomness for the jitter (tests pin it). */
  random?: () => number;
}

/** Thrown when an attempt's own deadline fired (the request hung). */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
  constructor(timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`);
  }
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'InternalServerException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AttemptTimeoutError',
]);

const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

/** Throttling, 5xx, timeouts and dropped connections are retried; everything else is final. */
export function isRetryable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (e.cause && e.cause !== error) return isRetryable(e.cause);
  return false;
}

/** Delay before retry number `attempt` (1-based): uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interruptedError(signal.reason));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(interruptedError(signal!.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `fn` until it succeeds, fails with a final error, or runs out of attempts. */
export async function withRetry<T>(fn: (signal: AbortSignal, attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.retryable ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw interruptedError(options.signal.reason);
    const attemptController = new AbortController();
    const timer = setTimeout(() => attemptController.abort(new AttemptTimeoutError(options.timeoutMs)), options.timeoutMs);
    const onOuterAbort = () => attemptController.abort(options.signal!.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      // Promise.resolve: a sync throw or a non-promise result is handled like an async one.
      return await raceAbort(Promise.resolve().then(() => fn(attemptController.signal, attempt)), attemptController.signal);
    } catch (error) {
      if (options.signal?.aborted) throw interruptedError(options.signal.reason);
      // An aborted request rejects with the SDK's AbortError; report the deadline instead.
      const cause = attemptController.signal.aborted ? attemptController.signal.reason : error;
      if (attempt >= options.attempts || !retryable(cause)) throw cause;
      const delay = backoffDelay(attempt, options.baseMs, options.maxMs, options.random);
      options.onRetry?.(cause, attempt, delay);
      await sleep(delay, options.signal);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
  }
}

/** Settles as soon as the signal fires, even if `promise` ignores the signal. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
