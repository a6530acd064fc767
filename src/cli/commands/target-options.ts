/**
 * The target flags `kiln target` and `kiln build --target` share, and their translation into
 * runTargets' input: defined once so both commands accept the same options with the same checks.
 */
import type { CommandContext, OptionSpec } from '../command.js';
import { usageError } from '../../core/errors.js';
import { formatBytes, parseSize } from '../../core/units.js';
import type { BaseImage } from '../../store/store.js';
import type { TargetsRecord } from '../../targets/types.js';

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
  description: 'targets, comma-separated (repeatable): ec2, openstack, raw-tar-xz, raw-xz, appliance',
  repeatable: true,
};
export const outOption: OptionSpec = { flags: '--out <dir>', description: 'output directory for targets (created if missing)' };

/** Per-target tuning and run flags (not --target, --out, --name, --image-version: commands word those). */
export const targetTuningOptions: OptionSpec[] = [
  { flags: '--openstack-compat <level>', description: 'qcow2 compat level of the openstack image', choices: ['1.1', '0.10'], default: '1.1' },
  { flags: '--xz-level <n>', description: 'xz preset (0-9) of raw-tar-xz and raw-xz', default: '6' },
  { flags: '--appliance-memory <size>', description: 'recommended appliance memory (e.g. 1G, 512M)', default: '1G' },
  { flags: '--appliance-vcpus <n>', description: 'recommended appliance vCPUs', default: '1' },
  { flags: '--appliance-format <format>', description: 'appliance disk format: qcow2 (compressed, plain tar) or raw (sparse, tar.xz)', choices: ['qcow2', 'raw'], default: 'qcow2' },
  { flags: '--appliance-disk <use:size>', description: 'an extra empty appliance disk, data:SIZE or scratch:SIZE (repeatable)', repeatable: true },
  { flags: '--no-appliance-graphics', description: 'the appliance has no graphical console (serial only)' },
  { flags: '--no-prep', description: 'skip cloud prep: outputs read exactly like the base image (not with ec2)' },
  { flags: '--force', description: 'rebuild outputs even if identical ones are already in the output directory' },
  { flags: '--accel <mode>', description: 'acceleration for libguestfs: auto (probe KVM), kvm or tcg', choices: ['auto', 'kvm', 'tcg'], default: 'auto' },
];

export interface TargetRequest {
  names: string[];
  outDir: string;
}

/** Checks --target/--out before any work starts (a build must not install and then fail on usage). */
export async function targetRequest(opts: Record<string, unknown>, cwd: string, required: boolean): Promise<TargetRequest | undefined> {
  const { resolve } = await import('node:path');
  const targets = (opts.target as string[] | undefined) ?? [];
  if (targets.length === 0) {
    if (opts.out && !required) throw usageError('--out given without --target', 'Name the targets to make with --target, e.g. --target openstack,raw-tar-xz.');
    if (required) throw usageError('no --target given', 'Known targets: ec2, openstack, raw-tar-xz, raw-xz, appliance.');
    return undefined;
  }
  const { pickTargets } = await import('../../targets/registry.js');
  const names = pickTargets(targets);
  if (!opts.out) throw usageError('no --out directory given', 'Give one with --out DIR.');
  const vcpus = Number(opts.applianceVcpus);
  if (!Number.isInteger(vcpus) || vcpus <= 0) throw usageError(`--appliance-vcpus ${String(opts.applianceVcpus)}: expected a positive whole number`);
  if (!/^\d$/.test(String(opts.xzLevel))) throw usageError(`--xz-level ${String(opts.xzLevel)}: expected a whole number from 0 to 9`);
  wholeMiB(String(opts.applianceMemory), '--appliance-memory');
  ((opts.applianceDisk as string[] | undefined) ?? []).forEach(parseApplianceDisk);
  return { names, outDir: resolve(cwd, String(opts.out)) };
}

/** Runs the requested targets on `base` with the shared flags. */
export async function runTargetRequest(
  request: TargetRequest,
  base: BaseImage,
  opts: Record<string, unknown>,
  ctx: CommandContext,
): Promise<TargetsRecord> {
  const { runTargets } = await import('../../targets/run-targets.js');
  let accel = opts.accel as 'auto' | 'kvm' | 'tcg';
  if (accel === 'auto') {
    const { chooseAccelerator } = await import('../../pipeline/accel.js');
    accel = (await chooseAccelerator(ctx.emit)).accel === 'kvm' ? 'kvm' : 'tcg';
  }
  return runTargets({
    base,
    targets: request.names,
    outDir: request.outDir,
    name: opts.name as string | undefined,
    version: opts.imageVersion as string | undefined,
    accel,
    prep: opts.prep !== false,
    force: Boolean(opts.force),
    options: {
      openstack: { compat: opts.openstackCompat as '1.1' | '0.10' },
      'raw-tar-xz': { level: Number(opts.xzLevel) },
      'raw-xz': { level: Number(opts.xzLevel) },
      appliance: {
        memoryMiB: wholeMiB(String(opts.applianceMemory), '--appliance-memory'),
        vcpus: Number(opts.applianceVcpus),
        diskFormat: opts.applianceFormat as 'qcow2' | 'raw',
        disks: ((opts.applianceDisk as string[] | undefined) ?? []).map(parseApplianceDisk),
        graphics: opts.applianceGraphics !== false,
      },
    },
    emit: ctx.emit,
    signal: ctx.signal,
  });
}

/** One line per output, then where the record is. */
export function describeOutputs(record: TargetsRecord): string[] {
  const lines = record.outputs.map(
    (o) => `${o.target.padEnd(10)} ${o.file}  ${formatBytes(o.size)}  sha256 ${o.sha256.slice(0, 16)}…${record.reused.includes(o.target) ? '  (reused)' : ''}`,
  );
  return [...lines, `record: ${record.recordFile}`];
}
