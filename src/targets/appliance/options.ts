/** The appliance target's options: checked up front, each error naming the option and value. */
import { usageError } from '../../core/errors.js';
import type { DiskUse } from './descriptor.js';

export interface ApplianceDisk {
  use: Exclude<DiskUse, 'system'>;
  sizeMiB: number;
}

export interface ApplianceOptions {
  /** Recommended guest memory. */
  memoryMiB: number;
  vcpus: number;
  /** Format of the disk files in the bundle: compressed qcow2 (plain tar) or sparse raw (tar.xz). */
  diskFormat: 'qcow2' | 'raw';
  /** Empty data and scratch disks shipped beside the system disk. */
  disks: ApplianceDisk[];
  graphics: boolean;
}

export const APPLIANCE_DEFAULTS: ApplianceOptions = { memoryMiB: 1024, vcpus: 1, diskFormat: 'qcow2', disks: [], graphics: true };

function wholeNumber(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw usageError(`invalid appliance ${what} '${String(value)}'`, `Use a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function applianceOptions(raw: Partial<ApplianceOptions> | undefined): ApplianceOptions {
  const { memoryMiB, vcpus, diskFormat, disks, graphics, ...rest } = { ...APPLIANCE_DEFAULTS, ...raw };
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw usageError(`the appliance target has no option ${unknown[0]}`);
  if (diskFormat !== 'qcow2' && diskFormat !== 'raw') {
    throw usageError(`invalid appliance disk format '${String(diskFormat)}'`, 'Use qcow2 or raw.');
  }
  if (!Array.isArray(disks)) throw usageError('appliance disks must be a list');
  return {
    memoryMiB: wholeNumber(memoryMiB, 'memory (MiB)', 64, 16 * 1024 * 1024),
    vcpus: wholeNumber(vcpus, 'vcpus', 1, 512),
    diskFormat,
    disks: disks.map((d) => {
      if (d.use !== 'data' && d.use !== 'scratch') throw usageError(`invalid appliance disk use '${String(d.use)}'`, 'Use data or scratch.');
      return { use: d.use, sizeMiB: wholeNumber(d.sizeMiB, `${d.use} disk size (MiB)`, 1, 64 * 1024 * 1024) };
    }),
    graphics: Boolean(graphics),
  };
}
