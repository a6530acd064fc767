/** Options several commands share, defined once, and the job context they make. */
import type { CommandContext, OptionSpec } from '../command.js';
import { defaultStoreDir } from '../../core/paths.js';
import { resolve } from 'node:path';
import { usageError } from '../../core/errors.js';
import type { AccelMode } from '../../pipeline/accel.js';
import type { JobContext } from '../../pipeline/resources.js';

export const storeOption: OptionSpec = {
  flags: '--store <dir>',
  description: 'the base image store (default: $KILN_STORE or <cache>/kiln/store)',
};

export const connectOption: OptionSpec = {
  flags: '--connect <uri>',
  description: 'libvirt URI (default: qemu:///system as root, qemu:///session otherwise)',
};

export const accelOption: OptionSpec = {
  flags: '--accel <mode>',
  description: 'acceleration for guests and libguestfs: auto (probe KVM), kvm or tcg',
  choices: ['auto', 'kvm', 'tcg'],
  default: 'auto',
};

export interface JobFlags {
  store?: string;
  connect?: string;
  accel?: AccelMode;
}

/** The pipeline's context from the command's context and the shared flags. */
export function jobContext(flags: JobFlags, ctx: CommandContext): JobContext {
  return {
    emit: ctx.emit,
    signal: ctx.signal,
    env: ctx.env,
    cwd: ctx.cwd,
    storeDir: resolve(ctx.cwd, flags.store ?? defaultStoreDir(ctx.env)),
    connect: flags.connect,
    accel: flags.accel ?? 'auto',
  };
}

/** A flag that must be a positive whole number (undefined when not given). */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag} ${value}: expected a positive whole number`);
  return n;
}

/** An xz preset given as a flag: a whole number from 0 to 9. */
export function xzLevel(value: string, flag = '--xz-level'): number {
  if (!/^\d$/.test(value)) throw usageError(`${flag} ${value}: expected a whole number from 0 to 9`);
  return Number(value);
}
