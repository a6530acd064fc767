/** `kiln build`: install in a transient guest and capture a base image (then make targets). */
import type { CommandSpec } from '../command.js';
import { usageError } from '../../core/errors.js';
import { defaultStoreDir } from '../../core/paths.js';
import { parseDuration, parseSize, formatBytes, formatDuration } from '../../core/units.js';
import { shortId } from '../../store/store.js';
import { connectOption, storeOption } from './shared-options.js';
import { describeOutputs, outOption, runTargetRequest, targetOption, targetRequest, targetTuningOptions } from './target-options.js';

const DEFAULTS = { arch: 'x86_64', diskSize: '10G', memory: '2048', vcpus: '2', stallTimeout: '300', timeout: '3h' };

function parseVars(values: string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw usageError(`--var ${v}: expected NAME=VALUE`);
    vars[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return vars;
}

function positiveInt(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag} ${String(value)}: expected a positive whole number`);
  return n;
}

export const buildCommand: CommandSpec = {
  name: 'build',
  summary: 'install an OS in a transient guest and keep its disk as a base image',
  args: ['[file]'],
  options: [
    { flags: '--kickstart <file>', description: 'kickstart to install (merged over a TDL or --template when one is given; it wins)' },
    { flags: '--template <name>', description: 'a shipped guest template (guest-templates/), e.g. fedora-cloud' },
    { flags: '--release <version>', description: 'release for --template, e.g. 19' },
    { flags: '--var <name=value>', description: 'a guest-template variable (repeatable)', repeatable: true },
    { flags: '--syntax <version>', description: 'kickstart syntax to validate against, e.g. F19, RHEL7' },
    { flags: '--tree <url|dir>', description: 'install tree: an http(s) URL or a local directory (.treeinfo, images/pxeboot)' },
    { flags: '--arch <arch>', description: 'x86_64 or i686 (i386)', default: DEFAULTS.arch },
    { flags: '--disk-size <size>', description: 'size of the installed disk', default: DEFAULTS.diskSize },
    { flags: '--memory <MiB>', description: 'guest memory in MiB (not part of the store key)', default: DEFAULTS.memory },
    { flags: '--vcpus <n>', description: 'guest CPUs (not part of the store key)', default: DEFAULTS.vcpus },
    { flags: '--name <name>', description: 'image name for the record and outputs' },
    { flags: '--image-version <version>', description: 'image version for the record and outputs' },
    storeOption,
    connectOption,
    { flags: '--stall-timeout <seconds>', description: 'fail when the guest writes nothing to disk and moves under 4 KiB of network this long', default: DEFAULTS.stallTimeout },
    { flags: '--timeout <duration>', description: 'fail when the whole install takes longer (e.g. 90m, 3h)', default: DEFAULTS.timeout },
    { flags: '--keep-failed', description: "keep a failed build's disk in its log directory" },
    targetOption,
    outOption,
    ...targetTuningOptions,
  ],
  examples: [
    'kiln build --kickstart cloud.ks --tree http://mirror/fedora/releases/19/Everything/x86_64/os --arch x86_64',
    'kiln build --kickstart cloud.ks --tree ./tree --arch i686 --disk-size 6G --json',
    'kiln build fedora-19-cloud.tdl --tree ./tree',
    'kiln build --template fedora-cloud --release 19 --tree ./tree --var liveimg_url=http://127.0.0.1:8000/rootfs.tar.gz',
    'kiln build --kickstart cloud.ks --tree ./tree --arch i686 --target openstack,raw-tar-xz --out ./out',
  ],
  async action(args, options, ctx) {
    const [{ resolveImageSpec, normalizeArch }, { buildBaseImage }] = await Promise.all([
      import('../../template/image-spec.js'),
      import('../../pipeline/install-stage.js'),
    ]);
    const stallTimeoutS = parseDuration(String(options.stallTimeout), '--stall-timeout');
    const timeoutS = parseDuration(String(options.timeout), '--timeout');
    const memoryMiB = positiveInt(options.memory, '--memory');
    // Target flags are checked before anything is installed; the targets run on the captured base.
    const targets = await targetRequest(options, ctx.cwd, false);
    const vcpus = positiveInt(options.vcpus, '--vcpus');
    const spec = await resolveImageSpec({
      file: args[0],
      kickstart: options.kickstart as string | undefined,
      template: options.template as string | undefined,
      release: options.release as string | undefined,
      syntax: options.syntax as string | undefined,
      arch: options.arch as string | undefined,
      tree: options.tree as string | undefined,
      diskSize: options.diskSize === DEFAULTS.diskSize ? undefined : (options.diskSize as string),
      variables: parseVars(options.var as string[] | undefined),
      cwd: ctx.cwd,
      emit: ctx.emit,
    });
    const arch = spec.arch ?? normalizeArch(String(options.arch));
    const tree = spec.tree;
    if (!tree) throw usageError('no install tree: give --tree URL|DIR', 'The tree holds .treeinfo and images/pxeboot/{vmlinuz,initrd.img}.');
    if (options.name) spec.name = String(options.name);
    if (options.imageVersion) spec.version = String(options.imageVersion);
    const diskSizeBytes = spec.diskSizeBytes ?? parseSize(String(options.diskSize), '--disk-size');

    const result = await buildBaseImage({
      spec,
      arch,
      tree,
      diskSizeBytes,
      memoryMiB,
      vcpus,
      storeDir: String(options.store ?? defaultStoreDir(ctx.env)),
      connect: options.connect as string | undefined,
      stallTimeoutS,
      timeoutS,
      keepFailed: Boolean(options.keepFailed),
      cwd: ctx.cwd,
      env: ctx.env,
      emit: ctx.emit,
      signal: ctx.signal,
    });
    const r = result.base.record;
    const took = r.timings.reduce((n, t) => n + t.ms, 0);
    const made = targets ? await runTargetRequest(targets, result.base, options, ctx) : undefined;
    const how = result.storeHit ? 'store hit: same inputs as an earlier build, no guest started' : `built in ${formatDuration(took)} (${r.accelerator})`;
    return {
      text: [
        `base image ${shortId(result.base.id)} ${r.name}${r.version ? `-${r.version}` : ''} ${r.arch}: ${how}`,
        `  disk: ${result.base.disk} (${formatBytes(r.disk.actualSize)} used of ${formatBytes(r.disk.virtualSize)})`,
        `  logs: ${r.logDir}`,
        `  packages: ${r.packages.length}`,
        ...(made ? describeOutputs(made) : []),
      ].join('\n'),
      json: { id: result.base.id, storeHit: result.storeHit, disk: result.base.disk, buildId: result.buildId, record: r, ...(made ? { targets: made } : {}) },
    };
  },
};
