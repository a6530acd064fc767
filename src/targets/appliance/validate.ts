/**
 * Validates an appliance descriptor with xmllint against the RelaxNG schema kiln ships
 * (appliance.rng beside this file, found from the project root so the built CLI finds it too).
 */
import { join } from 'node:path';
import { KilnError, isKilnError } from '../../core/errors.js';
import { run } from '../../core/run.js';
import { PROJECT_ROOT } from '../../core/version.js';

export const DESCRIPTOR_SCHEMA = join(PROJECT_ROOT, 'src', 'targets', 'appliance', 'appliance.rng');

export async function validateDescriptor(path: string, signal?: AbortSignal): Promise<void> {
  try {
    await run('xmllint', ['--noout', '--relaxng', DESCRIPTOR_SCHEMA, path], { timeoutMs: 60_000, signal });
  } catch (error) {
    if (isKilnError(error) && error.code === 'COMMAND_FAILED') {
      throw new KilnError('TARGET_DESCRIPTOR_INVALID', `the appliance descriptor ${path} does not match ${DESCRIPTOR_SCHEMA}`, {
        cause: error,
        fault: 'kiln',
        details: error.details,
        hint: 'This is a bug in kiln; please report it with the descriptor.',
      });
    }
    throw error;
  }
}
