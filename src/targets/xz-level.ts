/** The xz preset option shared by raw-tar-xz and raw-xz. */
import { usageError } from '../core/errors.js';

export interface XzLevelOptions {
  /** xz preset 0–9 (default 6, xz's own default). */
  level: number;
}

export function xzLevelOptions(target: string, raw: Partial<XzLevelOptions> | undefined): XzLevelOptions {
  const { level = 6, ...rest } = raw ?? {};
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw usageError(`the ${target} target has no option ${unknown[0]}`);
  if (!Number.isInteger(level) || level < 0 || level > 9) throw usageError(`invalid xz level '${String(level)}' for ${target}`, 'Use a whole number from 0 to 9.');
  return { level };
}
