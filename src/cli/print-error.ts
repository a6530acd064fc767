/** The one place errors are rendered for the user. */
import { isKilnError, toKilnError, type KilnError } from '../core/errors.js';

export function formatError(error: unknown): string {
  const err: KilnError = toKilnError(error);
  const where = err.source
    ? `${err.source.file}${err.source.line !== undefined ? `:${err.source.line}` : ''}${err.source.column !== undefined ? `:${err.source.column}` : ''}: `
    : '';
  const lines = [`kiln: error [${err.code}]: ${where}${err.message}`];
  for (const d of err.details) lines.push(`  ${d}`);
  const cause = err.cause;
  if (cause !== undefined && err.code !== 'INTERNAL' && !isKilnError(cause) && cause instanceof Error && !err.message.includes(cause.message)) {
    lines.push(`  cause: ${cause.message.split('\n')[0]}`);
  } else if (isKilnError(cause)) {
    lines.push(`  cause: [${cause.code}] ${cause.message}`);
  }
  if (err.code === 'INTERNAL' && err.cause instanceof Error && err.cause.stack) {
    lines.push(...err.cause.stack.split('\n').slice(1, 6).map((l) => `  ${l.trim()}`));
  }
  if (err.hint) lines.push(`hint: ${err.hint}`);
  return lines.join('\n');
}

export function errorJson(error: unknown): Record<string, unknown> {
  const err = toKilnError(error);
  return {
    type: 'error',
    code: err.code,
    message: err.message,
    hint: err.hint,
    fault: err.fault,
    source: err.source,
    details: err.details.length ? err.details : undefined,
    exitCode: err.exitCode,
  };
}
