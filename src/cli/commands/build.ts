/** `kiln build`: install in a transient guest and capture a base image (then make targets). */
import { defineCommand } from '../command.js';
import { usageError } from '../../core/errors.js';
import { parseDuration, formatBytes, formatDuration } from '../../core/units.js';
import { shortId } from '../../store/store.js';
import type { InstallRequest } from '../../pipeline/install-request.js';
import { accelOption, connectOption, jobContext, positiveInt, storeOption, type JobFlags } from './shared-options.js';
import { describeOutputs, outOption, targetOption, targetsRequest, targetTuningOptions, type TargetFlags } from './target-options.js';
import { testOptions, testRequest, type TestFlags } from './test.js';
import { formatReport } from '../../testing/report.js';
import { describeFirmware } from '../../image/boot-firmware.js';

/** Shown in --help; applied by the pipeline only where neither the flags nor the input say anything. */
const DEFAULTS = { arch: 'x86_64', diskSize: '10G', memory: '2048', vcpus: '2', stallTimeout: '300', timeout: '3h' };

interface BuildFlags extends TargetFlags, JobFlags, Omit<TestFlags, 'arch' | 'timeout' | 'memory' | 'firmware'> {
  test?: boolean;
  kickstart?: string;
  template?: string;
  release?: string;
  var?: string[];
  syntax?: string;
  tree?: string;
  arch?: string;
  diskSize?: string;
  memory?: string;
  vcpus?: string;
  stallTimeout?: string;
  timeout?: string;
  keepFailed?: boolean;
  firmware?: 'bios' | 'uefi';
}

function parseVars(values: string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw usageError(`--var ${v}: expected NAME=VALUE`);
    vars[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return vars;
}

/** The install request: only what the user gave (a TDL's arch or disk size is not overridden by a default). */
function installRequest(file: string | undefined, f: BuildFlags): InstallRequest {
  return {
    file,
    kickstart: f.kickstart,
    template: f.template,
    release: f.release,
    syntax: f.syntax,
    variables: parseVars(f.var),
    arch: f.arch,
    tree: f.tree,
    diskSize: f.diskSize,
    name: f.name,
    version: f.imageVersion,
    memoryMiB: positiveInt(f.memory, '--memory'),
    vcpus: positiveInt(f.vcpus, '--vcpus'),
    stallTimeoutS: f.stallTimeout === undefined ? undefined : parseDuration(f.stallTimeout, '--stall-timeout'),
    timeoutS: f.timeout === undefined ? undefined : parseDuration(f.timeout, '--timeout'),
    keepFailed: Boolean(f.keepFailed),
    firmware: f.firmware,
  };
}

export const buildCommand = defineCommand<BuildFlags>({
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
    { flags: '--arch <arch>', description: "x86_64 or i686 (i386); a TDL's <arch> when not given", default: DEFAULTS.arch },
    {
      flags: '--firmware <firmware>',
      description: 'the firmware the installer boots under, bios or uefi (OVMF); default: what the template asks for its release (fedora-cloud: uefi from 35 on x86_64), else bios',
      choices: ['bios', 'uefi'],
    },
    { flags: '--disk-size <size>', description: "size of the installed disk; a TDL's <size> when not given", default: DEFAULTS.diskSize },
    { flags: '--memory <MiB>', description: 'guest memory in MiB (not part of the store key)', default: DEFAULTS.memory },
    { flags: '--vcpus <n>', description: 'guest CPUs (not part of the store key)', default: DEFAULTS.vcpus },
    { flags: '--name <name>', description: 'image name for the record and outputs' },
    { flags: '--image-version <version>', description: 'image version for the record and outputs' },
    storeOption,
    connectOption,
    accelOption,
    { flags: '--stall-timeout <seconds>', description: 'fail when the guest writes nothing to disk and moves under 4 KiB of network this long', default: DEFAULTS.stallTimeout },
    { flags: '--timeout <duration>', description: 'fail when the whole install takes longer (e.g. 90m, 3h)', default: DEFAULTS.timeout },
    { flags: '--keep-failed', description: "keep a failed build's disk in its log directory" },
    targetOption,
    outOption,
    ...targetTuningOptions,
    { flags: '--test', description: 'boot-test every output (as `kiln test` does); exit 1 if a check fails' },
    ...testOptions,
  ],
  examples: [
    'kiln build --kickstart cloud.ks --tree http://mirror/fedora/releases/19/Everything/x86_64/os --arch x86_64',
    'kiln build --kickstart cloud.ks --tree ./tree --arch i686 --disk-size 6G --json',
    'kiln build fedora-19-cloud.tdl --tree ./tree',
    'kiln build --template fedora-cloud --release 19 --tree ./tree --var liveimg_url=http://127.0.0.1:8000/rootfs.tar.gz',
    'kiln build --kickstart cloud.ks --tree ./tree --arch i686 --target openstack,raw-tar-xz --out ./out',
    'kiln build --template fedora-cloud --release 40 --tree ./tree --firmware bios      # a BIOS install of the hybrid layout',
  ],
  async action(args, flags, ctx) {
    // Every flag is checked before anything is installed; the targets run on the captured base.
    const install = installRequest(args[0], flags);
    const targets = targetsRequest(flags, false);
    if (flags.test && !targets) throw usageError('--test needs targets to test', 'Add --target … --out DIR.');
    const test = flags.test ? await testRequest({ ...flags, arch: undefined, timeout: undefined, memory: undefined, firmware: undefined }) : undefined;
    const { runJob } = await import('../../pipeline/job.js');
    const result = await runJob({ install, targets, test }, jobContext(flags, ctx));
    const base = result.base!;
    const r = base.record;
    const took = r.timings.reduce((n, t) => n + t.ms, 0);
    const how = result.storeHit ? 'store hit: same inputs as an earlier build, no guest started' : `built in ${formatDuration(took)} (${r.accelerator})`;
    return {
      text: [
        `base image ${shortId(base.id)} ${r.name}${r.version ? `-${r.version}` : ''} ${r.arch}: ${how}`,
        `  disk: ${base.disk} (${formatBytes(r.disk.actualSize)} used of ${formatBytes(r.disk.virtualSize)})`,
        ...(r.boot ? [`  boots under: ${describeFirmware(r.boot)} (installed under ${r.installer.firmware === 'uefi' ? 'UEFI' : 'BIOS'})`] : []),
        `  logs: ${r.logDir}`,
        `  packages: ${r.packages.length}`,
        ...(result.targets ? describeOutputs(result.targets) : []),
        ...(result.test ? [formatReport(result.test)] : []),
      ].join('\n'),
      json: { id: base.id, storeHit: result.storeHit, disk: base.disk, buildId: result.buildId, record: r, ...(result.targets ? { targets: result.targets } : {}), ...(result.test ? { test: result.test } : {}) },
      exitCode: result.test && !result.test.passed ? 1 : 0,
    };
  },
});
