/**
 * openstack: a compressed qcow2 (compat 1.1 by default, 0.10 for old hypervisors), with cloud-init
 * reading ConfigDrive or the OpenStack metadata service. A disk that boots under UEFI only carries
 * the Glance property hw_firmware_type=uefi in its record (Nova boots it with OVMF only when the
 * image says so; a hybrid disk needs nothing, BIOS being Nova's default).
 */
import { usageError } from '../../core/errors.js';
import type { BootFacts } from '../../image/boot-firmware.js';
import { linkOrCopy } from '../../image/link-or-copy.js';
import { genericCloudPrep } from '../prep/spec.js';
import type { Target } from '../types.js';

export interface OpenstackOptions {
  compat: '1.1' | '0.10';
}

const COMPAT = ['1.1', '0.10'] as const;

export const openstackTarget: Target<OpenstackOptions> = {
  name: 'openstack',
  summary: 'compressed qcow2 (compat 1.1, or 0.10), cloud-init ConfigDrive/OpenStack (and NoCloud)',
  extension: () => 'qcow2',
  options(raw) {
    const { compat = '1.1', ...rest } = raw ?? {};
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw usageError(`the openstack target has no option ${unknown[0]}`);
    if (!COMPAT.includes(compat)) {
      throw usageError(`invalid openstack qcow2 compat '${String(compat)}'`, `Use one of: ${COMPAT.join(', ')}.`);
    }
    return { compat };
  },
  tools: () => ['qemu-img', 'cp'],
  prep: () => genericCloudPrep(),
  async build(ctx, options) {
    const q = await ctx.image.qcow2(options.compat);
    await linkOrCopy(q.path, ctx.outputPath, ctx.signal);
    const properties = openstackProperties(ctx.base.record.boot);
    return { sha256: q.sha256, size: q.bytes, format: 'qcow2', ...(properties ? { properties } : {}) };
  },
};

/** Glance properties for the disk: hw_firmware_type=uefi when it boots under UEFI and not BIOS. */
export function openstackProperties(boot: BootFacts | undefined): Record<string, string> | undefined {
  if (!boot || !boot.firmware.includes('uefi') || boot.firmware.includes('bios')) return undefined;
  return { hw_firmware_type: 'uefi' };
}
