/** `kiln target`: make cloud images and appliances (targets) from a base image in the store. */
import { defineCommand } from '../command.js';
import { accelOption, jobContext, storeOption, type JobFlags } from './shared-options.js';
import { describeOutputs, outOption, targetOption, targetsRequest, targetTuningOptions, type TargetFlags } from './target-options.js';

export { parseApplianceDisk } from './target-options.js';

export const targetCommand = defineCommand<TargetFlags & JobFlags>({
  name: 'target',
  summary: 'make cloud images (ec2, openstack, raw-tar-xz, raw-xz) and appliance bundles from a base image',
  args: ['<base-id>'],
  options: [
    targetOption,
    outOption,
    { flags: '--name <name>', description: "output name (default: the base image's name)" },
    { flags: '--image-version <version>', description: "output version (default: the base image's version)" },
    storeOption,
    accelOption,
    ...targetTuningOptions,
  ],
  examples: [
    'kiln target 3f9a --target ec2,openstack,raw-tar-xz,appliance --out ./out',
    'kiln target 3f9a --target openstack --openstack-compat 0.10 --out ./out --name Fedora-Cloud-Base --image-version 19',
    'kiln target 3f9a --target appliance --appliance-disk data:10G --appliance-memory 2G --out ./out',
  ],
  helpText: [
    'Each target works on a qcow2 overlay of the base image (the base is never changed). Cloud prep',
    'runs inside a libguestfs appliance (one launch per distinct prep): machine-id, SSH host keys,',
    'persistent net rules, DHCP leases and logs removed; cloud-init datasources and the kernel command',
    'line set per target. Outputs are <name>-<version>.<arch>.<ext>, each with a .sha256, listed in',
    'targets.json; an output already there with the same base and options is reused (--force rebuilds).',
  ].join('\n'),
  async action(args, flags, ctx) {
    const targets = targetsRequest(flags, true)!;
    const { runJob } = await import('../../pipeline/job.js');
    const result = await runJob({ baseId: args[0]!, targets }, jobContext(flags, ctx));
    return { text: describeOutputs(result.targets!).join('\n'), json: result.targets };
  },
});
