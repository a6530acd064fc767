import { describe, expect, it } from 'vitest';
import { run, runUnchecked, succeeds } from '../../src/core/run.js';
import { isKilnError } from '../../src/core/errors.js';

describe('run', () => {
  it('returns stdout of a real process given an argv array (no shell)', async () => {
    const { stdout } = await run('printf', ['%s|', 'a b', '$HOME'], { timeoutMs: 5_000 });
    expect(stdout).toBe('a b|$HOME|');
  });

  it.each([
    ['sh', ['-c', 'echo oops >&2; exit 3'], 'COMMAND_FAILED', 'exited with status 3', 'oops'],
    ['sleep', ['5'], 'COMMAND_TIMEOUT', 'timed out after 0.2 s', undefined],
    ['kiln-no-such-tool', [], 'COMMAND_NOT_FOUND', 'command not found', undefined],
  ])('%s fails with %s', async (file, args, code, message, detail) => {
    const error = await run(file, args, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe(code);
    expect((error as Error).message).toContain(message);
    if (detail) expect(isKilnError(error) && error.details).toContain(detail);
  });

  it('is interrupted by the abort signal and kills the child', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('ctrl-c')), 100);
    const error = await run('sleep', ['10'], { timeoutMs: 20_000, signal: controller.signal }).catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe('INTERRUPTED');
  });
});

describe('runUnchecked / succeeds', () => {
  it('reports exit codes and timeouts instead of throwing', async () => {
    expect((await runUnchecked('sh', ['-c', 'exit 7'], { timeoutMs: 5_000 })).exitCode).toBe(7);
    expect((await runUnchecked('sleep', ['5'], { timeoutMs: 100 })).timedOut).toBe(true);
    expect(await succeeds('true', [])).toBe(true);
    expect(await succeeds('false', [])).toBe(false);
  });
  it('still throws when the command does not exist', async () => {
    const error = await runUnchecked('kiln-no-such-tool', [], { timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe('COMMAND_NOT_FOUND');
  });
});
