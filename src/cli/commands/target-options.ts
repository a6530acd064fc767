/**
 * The target flags `kiln target` and `kiln build --target` share, and their translation into the
 * pipeline's targets request: defined once so both commands accept the same options with the same
 * checks, all made before any work starts.
 */
import type { OptionSpec } from '../command.js';
import { usageError } from '../../core/errors.js';
import { formatBytes, parseSize } from '../../core/units.js';
import type { TargetsRequest } from '../../pipeline/targets-step.js';
import { positiveInt, xzLevel } from './shared-options.js';
import { pickTargets } from '../../targets/names.js';
import { TARGET_NAMES, type TargetsRecord } from '../../targets/types.js';

const MiB = 1024 * 1024;

function wholeMiB(text: string, flag: string): number {
  return Math.ceil(parseSize(/^\d+$/.test(text.trim()) ? `${text}M` : text, flag) / MiB);
}

/** `data:10G` / `scratch:512M` → an extra appliance disk. */
export function parseApplianceDisk(text: string): { use: 'data' | 'scratch'; sizeMiB: number } {
  const m = /^(data|scratch):(.+)$/.exec(text.trim());
  if (!m) throw usageError(`--appliance-disk ${text}: expected data:SIZE or scratch:SIZE`, 'For example --appliance-disk data:10G.');
  return { use: m[1] as 'data' | 'scratch', sizeMiB: wholeMiB(m[2]!, '--appliance-disk size') };
}

export const targetOption: OptionSpec = {
  flags: '--target <names>',
  description: `targets, comma-separated (repeatable): ${TARGET_NAMES.join(', ')}`,
  repeatable: true,
};
export const outOption: OptionSpec = { flags: '--out <dir>', description: 'output directory for targets (created if missing)' };

const TUNING_DEFAULTS = { openstackCompat: '1.1', xzLevel: '6', applianceMemory: '1G', applianceVcpus: '1', applianceFormat: 'qcow2' } as const;

/** Per-target tuning and run flags (not --target, --out, --name, --image-version: commands word those). */
export const targetTuningOptions: OptionSpec[] = [
  { flags: '--openstack-compat <level>', description: 'qcow2 compat level of the openstack image', choices: ['1.1', '0.10'], default: TUNING_DEFAULTS.openstackCompat },
  { flags: '--xz-level <n>', description: 'xz preset (0-9) of raw-tar-xz and raw-xz', default: TUNING_DEFAULTS.xzLevel },
  { flags: '--appliance-memory <size>', description: 'recommended appliance memory (e.g. 1G, 512M)', default: TUNING_DEFAULTS.applianceMemory },
  { flags: '--appliance-vcpus <n>', description: 'recommended appliance vCPUs', default: TUNING_DEFAULTS.applianceVcpus },
  { flags: '--appliance-format <format>', description: 'appliance disk format: qcow2 (compressed, plain tar) or raw (sparse, tar.xz)', choices: ['qcow2', 'raw'], default: TUNING_DEFAULTS.applianceFormat },
  { flags: '--appliance-disk <use:size>', description: 'an extra empty appliance disk, data:SIZE or scratch:SIZE (repeatable)', repeatable: true },
  { flags: '--no-appliance-graphics', description: 'the appliance has no graphical console (serial only)' },
  { flags: '--no-prep', description: 'skip cloud prep: outputs read exactly like the base image (not with ec2)' },
  { flags: '--force', description: 'rebuild outputs even if identical ones are already in the output directory' },
];

/** The flags of targetOption, outOption and targetTuningOptions, as commander gives them. */
export interface TargetFlags {
  target?: string[];
  out?: string;
  name?: string;
  imageVersion?: string;
  openstackCompat?: '1.1' | '0.10';
  xzLevel?: string;
  applianceMemory?: string;
  applianceVcpus?: string;
  applianceFormat?: 'qcow2' | 'raw';
  applianceDisk?: string[];
  /** --no-appliance-graphics sets false. */
  applianceGraphics?: boolean;
  /** --no-prep sets false. */
  prep?: boolean;
  force?: boolean;
}

/** Checks --target/--out and the tuning flags; undefined when no target is asked for (and none is required). */
export function targetsRequest(flags: TargetFlags, required: boolean): TargetsRequest | undefined {
  const given = flags.target ?? [];
  if (given.length === 0) {
    if (flags.out && !required) throw usageError('--out given without --target', 'Name the targets to make with --target, e.g. --target openstack,raw-tar-xz.');
    if (required) throw usageError('no --target given', `Known targets: ${TARGET_NAMES.join(', ')}.`);
    return undefined;
  }
  const names = pickTargets(given);
  if (!flags.out) throw usageError('no --out directory given', 'Give one with --out DIR.');
  const vcpus = positiveInt(flags.applianceVcpus ?? TUNING_DEFAULTS.applianceVcpus, '--appliance-vcpus')!;
  const level = xzLevel(flags.xzLevel ?? TUNING_DEFAULTS.xzLevel);
  return {
    names,
    outDir: flags.out,
    name: flags.name,
    version: flags.imageVersion,
    prep: flags.prep !== false,
    force: Boolean(flags.force),
    options: {
      openstack: { compat: flags.openstackCompat ?? TUNING_DEFAULTS.openstackCompat },
      'raw-tar-xz': { level },
      'raw-xz': { level },
      appliance: {
        memoryMiB: wholeMiB(flags.applianceMemory ?? TUNING_DEFAULTS.applianceMemory, '--appliance-memory'),
        vcpus,
        diskFormat: flags.applianceFormat ?? TUNING_DEFAULTS.applianceFormat,
        disks: (flags.applianceDisk ?? []).map(parseApplianceDisk),
        graphics: flags.applianceGraphics !== false,
      },
    },
  };
}

/** One line per output, then where the record is. */
export function describeOutputs(record: TargetsRecord): string[] {
  const lines = record.outputs.map(
    (o) => `${o.target.padEnd(10)} ${o.file}  ${formatBytes(o.size)}  sha256 ${o.sha256.slice(0, 16)}…${record.reused.includes(o.target) ? '  (reused)' : ''}`,
  );
  return [...lines, `record: ${record.recordFile}`];
}
