/** `kiln test`: boot images the way a cloud would, log in over SSH, check them; exit 1 if a check fails. */
import { defineCommand } from '../command.js';
import { parseDuration, parseSize } from '../../core/units.js';
import { usageError } from '../../core/errors.js';
import type { TestRequest } from '../../pipeline/test-step.js';
import { formatReport } from '../../testing/report.js';
import { accelOption, connectOption, jobContext, type JobFlags } from './shared-options.js';
import { FIRMWARES, type Firmware } from '../../image/boot-firmware.js';

export interface TestFlags extends JobFlags {
  as?: 'nocloud' | 'ec2';
  user?: string;
  arch?: string;
  grow?: string;
  timeout?: string;
  memory?: string;
  vcpus?: string;
  report?: string;
  junit?: string;
  keepOnFailure?: boolean;
  firmware?: string;
}

/** --firmware bios,uefi,uefi-secure: each once, in the order given. */
export function parseFirmwares(value: string): Firmware[] {
  const list = value.split(',').map((v) => v.trim()).filter(Boolean);
  const bad = list.filter((v) => !(FIRMWARES as readonly string[]).includes(v));
  if (list.length === 0 || bad.length > 0) throw usageError(`--firmware ${value}: expected a comma-separated list of ${FIRMWARES.join(', ')}`);
  return [...new Set(list)] as Firmware[];
}

const DEFAULTS = { timeout: '10m', memory: '1024', vcpus: '2', report: 'kiln-test-report' };

/** The test flags as a request; `images` undefined: the job's own outputs (kiln build --test). */
export async function testRequest(f: TestFlags, images?: string[]): Promise<TestRequest> {
  const memory = Number(f.memory ?? DEFAULTS.memory);
  if (!Number.isInteger(memory) || memory < 256) throw usageError(`--memory ${f.memory}: expected MiB, at least 256`);
  const vcpus = Number(f.vcpus ?? DEFAULTS.vcpus);
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > 64) throw usageError(`--vcpus ${f.vcpus}: expected a whole number from 1 to 64`);
  const { normalizeArch } = await import('../../template/image-spec.js');
  return {
    images,
    as: f.as,
    user: f.user,
    firmware: f.firmware === undefined ? undefined : parseFirmwares(f.firmware),
    arch: f.arch === undefined ? undefined : normalizeArch(f.arch),
    growBytes: f.grow === undefined ? undefined : parseSize(f.grow, '--grow'),
    timeoutS: parseDuration(f.timeout ?? DEFAULTS.timeout, '--timeout'),
    memoryMiB: memory,
    vcpus,
    reportDir: f.report ?? DEFAULTS.report,
    junit: f.junit,
    keepOnFailure: Boolean(f.keepOnFailure),
  };
}

export const testOptions = [
  { flags: '--as <way>', description: 'how the guest gets its metadata: nocloud (a seed disk) or ec2 (kiln\'s emulated metadata service); default: ec2 for ec2 outputs', choices: ['nocloud', 'ec2'] },
  { flags: '--user <name>', description: "the image's cloud user to log in as (default: what cloud prep recorded in targets.json)" },
  { flags: '--grow <size>', description: 'enlarge the disk for the test and check the root file system grew (e.g. 2G)' },
  { flags: '--report <dir>', description: 'where console logs, cloud-init logs and report.json go', default: DEFAULTS.report },
  { flags: '--junit <file>', description: 'also write the results as JUnit XML' },
  { flags: '--keep-on-failure', description: "keep a failed test's overlay disk and key in its report directory" },
];

export const testCommand = defineCommand<TestFlags>({
  name: 'test',
  summary: 'boot images as a cloud would (cloud-init, SSH login) and check them',
  args: ['<images...>'],
  options: [
    ...testOptions,
    { flags: '--arch <arch>', description: 'the images\' arch when no kiln record says (default x86_64)' },
    {
      flags: '--firmware <list>',
      description: 'boot each image under each of these: bios (SeaBIOS), uefi (OVMF), uefi-secure (OVMF, Secure Boot enforcing with Microsoft\'s keys); default: BIOS when the disk boots BIOS, else UEFI',
    },
    { flags: '--timeout <duration>', description: 'hard limit per image, boot to last check', default: DEFAULTS.timeout },
    { flags: '--memory <MiB>', description: 'guest memory', default: DEFAULTS.memory },
    {
      flags: '--vcpus <n>',
      description: 'guest vCPUs; under TCG give 1 when other guests share the host\'s cores (a 2-vCPU guest then spends CPU waiting on its own descheduled vCPU)',
      default: DEFAULTS.vcpus,
    },
    connectOption,
    accelOption,
  ],
  examples: [
    'kiln test out/Fedora-Cloud-Base-19-Demo.x86_64.qcow2',
    'kiln test out/Fedora-Cloud-Base-19-Demo.x86_64.raw --as ec2',
    'kiln test out/Fedora-Cloud-Base-19-Demo.x86_64.appliance.tar',
    'kiln test /srv/composes/Fedora-Cloud-19-20261125.0                # every image of a drop',
    'kiln test image.qcow2 --junit report.xml --keep-on-failure --grow 2G',
    'kiln test out/Fedora-Cloud-Base-40-Demo.x86_64.qcow2 --firmware bios,uefi,uefi-secure   # a hybrid image, every way it boots',
  ],
  helpText: [
    'The image is never written: the guest runs on a qcow2 overlay (raw.xz and raw.tar.xz are unpacked',
    'to a temporary file first). nocloud attaches a seed disk (ISO 9660, label cidata) with a key made',
    'for the test; ec2 gives the guest EC2\'s SMBIOS identity and serves 169.254.169.254 (IMDSv2 tokens',
    'required) with the key in public-keys. Checks: boot, SSH login, cloud-init done without errors,',
    'the datasource, the host name from the metadata, machine-id and SSH host keys made on this boot,',
    'no build leftovers, root grown (--grow), root locked (ec2), the firmware the guest says it booted under',
    '(Secure Boot: the SecureBoot EFI variable). An image asked to boot a way its disk cannot (no EFI system',
    'partition for uefi, an unsigned loader for uefi-secure) fails without starting. Exit 1 when a check fails.',
  ].join('\n'),
  async action(args, flags, ctx) {
    const test = await testRequest(flags, args);
    const { runJob } = await import('../../pipeline/job.js');
    const result = await runJob({ test }, jobContext(flags, ctx));
    const report = result.test!;
    return { text: formatReport(report), json: report, exitCode: report.passed ? 0 : 1 };
  },
});
