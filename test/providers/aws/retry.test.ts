import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, backoffDelay, isRetryable, withRetry } from '../../../src/providers/aws/retry.js';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('isRetryable', () => {
  it.each([
    ['throttling (EBS)', named('RequestThrottledException'), true],
    ['throttling (EC2)', named('RequestLimitExceeded'), true],
    ['5xx by status', named('Whatever', { $metadata: { httpStatusCode: 503 } }), true],
    ['InternalServerException', named('InternalServerException'), true],
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['attempt deadline', new AttemptTimeoutError(10), true],
    ['SDK-marked retryable', named('X', { $retryable: {} }), true],
    ['wrapped cause', Object.assign(new Error('outer'), { cause: Object.assign(new Error('inner'), { code: 'EPIPE' }) }), true],
    ['validation', named('ValidationException', { $metadata: { httpStatusCode: 400 } }), false],
    ['access denied', named('AccessDeniedException', { $metadata: { httpStatusCode: 403 } }), false],
    ['not an error', 'text', false],
  ])('%s → %s', (_name, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  it.each([
    [1, 1, 100],
    [2, 1, 200],
    [5, 1, 1600],
    [12, 1, 5000],
    [3, 0, 0],
  ])('attempt %i with random %f → %i ms (base 100, max 5000)', (attempt, random, expected) => {
    expect(backoffDelay(attempt, 100, 5000, () => random)).toBe(expected);
  });
});

describe('withRetry', () => {
  const options = { attempts: 4, baseMs: 1, maxMs: 2, timeoutMs: 50 };

  it('aborts a hung attempt at its deadline and succeeds on the next', async () => {
    const seen: boolean[] = [];
    const result = await withRetry(
      (signal, attempt) =>
        new Promise<string>((resolve, reject) => {
          if (attempt === 1) {
            // Hangs until aborted, like a request that never gets an answer.
            signal.addEventListener('abort', () => {
              seen.push(signal.aborted);
              reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
            });
            return;
          }
          resolve(`ok on ${attempt}`);
        }),
      options,
    );
    expect(result).toBe('ok on 2');
    expect(seen).toEqual([true]);
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw named('ThrottlingException');
      }, options),
    ).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(calls).toBe(4);
  });

  it('does not retry a final error', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw named('ValidationException');
      }, options),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(calls).toBe(1);
  });

  it('stops with INTERRUPTED when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = withRetry(() => new Promise<void>(() => {}), { ...options, timeoutMs: 60_000, signal: controller.signal });
    controller.abort(new Error('Ctrl-C'));
    await expect(pending).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });
});
