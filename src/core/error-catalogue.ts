/**
 * kiln's error catalogue: every code a KilnError can carry, whose fault it is, how kiln exits with
 * it, and the hint shown when the place that raised it has nothing more precise to say. KilnError
 * takes only a code of this catalogue (the compiler refuses any other), so a new failure starts
 * here. Codes are stable: scripts match on them (`--json` prints `code`).
 *
 * Exit status: 1 for a failure, 2 for a usage error (bad flags, arguments or input files), and
 * 128 + the signal's number for an interrupt (130 for Ctrl-C).
 */
import { APPLIANCE_ERRORS } from './error-codes-appliance.js';
import { BUILD_ERRORS } from './error-codes.js';
import { PUBLISH_ERRORS } from './error-codes-publish.js';
import type { ErrorSpec } from './error-spec.js';

export const ERROR_CATALOGUE = { ...BUILD_ERRORS, ...APPLIANCE_ERRORS, ...PUBLISH_ERRORS } as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function errorSpec(code: ErrorCode): ErrorSpec {
  return ERROR_CATALOGUE[code];
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, value);
}
