/**
 * Target names as users type them ("ec2,openstack"): validated into TargetName values without
 * loading the target plugins (the CLI checks --target before anything else is imported).
 */
import { usageError } from '../core/errors.js';
import { TARGET_NAMES, type TargetName } from './types.js';

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

/** Validates target names (a list, or comma-separated strings), dropping repeats, keeping order. */
export function pickTargets(input: readonly string[]): TargetName[] {
  const names = input.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw usageError('no target given', `Known targets: ${TARGET_NAMES.join(', ')}.`);
  const unknown = names.filter((n) => !isTargetName(n));
  if (unknown.length > 0) {
    throw usageError(`unknown target${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}`, `Known targets: ${TARGET_NAMES.join(', ')}.`);
  }
  return [...new Set(names as TargetName[])];
}
