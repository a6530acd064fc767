/**
 * A hypervisor-layer Runner built on src/core/run.ts, as the pipeline builds one: it resolves
 * with the exit status, output and whether the timeout struck, instead of throwing.
 */
import { isKilnError } from '../../../src/core/errors.js';
import { run } from '../../../src/core/run.js';
import type { Runner } from '../../../hypervisor/index.js';

export const runner: Runner = async (file, args, { timeoutMs }) => {
  try {
    const result = await run(file, args, { timeoutMs });
    return { ...result, timedOut: false };
  } catch (error) {
    if (isKilnError(error) && (error.code === 'COMMAND_FAILED' || error.code === 'COMMAND_TIMEOUT')) {
      const cause = error.cause as { exitCode?: number; stdout?: unknown; stderr?: unknown };
      return {
        exitCode: cause.exitCode ?? -1,
        stdout: typeof cause.stdout === 'string' ? cause.stdout : '',
        stderr: typeof cause.stderr === 'string' ? cause.stderr : '',
        timedOut: error.code === 'COMMAND_TIMEOUT',
      };
    }
    throw error;
  }
};
