/**
 * `kiln appliance check | run | update | list | rm`: deploy appliance bundles from their
 * virt-image descriptor — host matching, instances sharing one verified copy of a version, data
 * disks kept across updates. Each subcommand turns its flags into a request for
 * src/pipeline/appliance/.
 */
import { defineCommand, type CommandSpec } from '../command.js';
import { usageError } from '../../core/errors.js';
import { formatBytes, parseDuration, parseSize } from '../../core/units.js';
import type { CheckResult } from '../../testing/checks.js';
import { table } from '../table.js';
import { accelOption, connectOption, jobContext, storeOption, type JobFlags } from './shared-options.js';

interface ApplianceFlags extends JobFlags {
  instances?: string;
}

const instancesOption = { flags: '--instances <dir>', description: 'where instances live (default: instances beside the store)' };
const common = [instancesOption, storeOption, connectOption, accelOption];

function memoryMiB(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // A bare number is MiB, as elsewhere in kiln; 2G, 512M are sizes.
  const mib = /^\d+$/.test(text) ? Number(text) : Math.floor(parseSize(text, '--memory') / 1024 / 1024);
  if (mib < 64) throw usageError(`--memory ${text}: expected at least 64 MiB`);
  return mib;
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} ${text}: expected a positive whole number`);
  return n;
}

function checkLines(checks: CheckResult[] | undefined): string[] {
  return (checks ?? []).map((c) => `  ${c.status === 'pass' ? 'PASS' : c.status === 'skip' ? 'SKIP' : 'FAIL'}  ${c.name}: ${c.detail}`);
}

function reachLines(r: { console: string; consoleLog: string; ssh?: string; address?: string; graphics?: string }): string[] {
  return [`  console: ${r.console}   (log: ${r.consoleLog})`, ...(r.ssh ? [`  ssh:     ${r.ssh}`] : []), ...(r.address ? [`  address: ${r.address}`] : []), ...(r.graphics ? [`  display: ${r.graphics}`] : [])];
}

const checkCommand = defineCommand<ApplianceFlags & { memory?: string }>({
  name: 'check',
  summary: 'can this host run the appliance? which boot descriptor, why not the others, memory and disk space',
  args: ['<bundle>'],
  options: [{ flags: '--memory <size>', description: "guest memory to check for (default: the descriptor's)" }, ...common],
  examples: ['kiln appliance check web.appliance.tar', 'kiln appliance check image.xml          # a bare descriptor, its disk files beside it'],
  async action(args, f, ctx) {
    const { checkAppliance } = await import('../../pipeline/appliance/check.js');
    const r = await checkAppliance({ bundle: args[0]!, instancesDir: f.instances, memoryMiB: memoryMiB(f.memory) }, jobContext(f, ctx));
    const text = [
      // kiln's labels already say name, version and arch; a descriptor without one is named by name and version.
      `${r.appliance.label ?? `${r.appliance.name}${r.appliance.version ? ` ${r.appliance.version}` : ''}`}: ${r.ok ? 'this host can run it' : 'this host cannot run it'}`,
      ...r.boots.map((b) => `  ${b}`),
      `  memory: needs ${r.memory.needMiB} MiB, ${r.memory.availableMiB} MiB available`,
      `  disk:   needs ${formatBytes(r.disk.needBytes)} in ${r.disk.dir}, ${formatBytes(r.disk.freeBytes)} free`,
      ...r.problems.map((p) => `  problem: ${p}`),
    ].join('\n');
    return { text, json: r, exitCode: r.ok ? 0 : 1 };
  },
});

interface RunFlags extends ApplianceFlags {
  name?: string;
  memory?: string;
  vcpus?: string;
  network?: string;
  graphics?: boolean;
  user?: string;
  wait?: boolean;
  timeout?: string;
}

const runCommand = defineCommand<RunFlags>({
  name: 'run',
  summary: 'deploy an instance: verified disks, a persistent libvirt domain from the boot descriptor this host runs, started',
  args: ['<bundle>'],
  options: [
    { flags: '--name <name>', description: 'instance (and domain) name (default: <appliance>-N, the first free)' },
    { flags: '--memory <size>', description: "guest memory, e.g. 2G or 2048 (MiB) (default: the descriptor's)" },
    { flags: '--vcpus <n>', description: "virtual CPUs (default: the descriptor's)" },
    { flags: '--network <name>', description: "a libvirt network (default: QEMU's user-mode network, SSH forwarded from 127.0.0.1)" },
    { flags: '--no-graphics', description: "no graphical console even if the descriptor asks for one" },
    { flags: '--user <name>', description: "the appliance's login user for SSH (default: what kiln recorded beside the bundle)" },
    { flags: '--wait', description: "wait until it has booted and passed the boot test's checks (login, cloud-init…)" },
    { flags: '--timeout <duration>', description: 'with --wait: how long the boot may take', default: '15m' },
    ...common,
  ],
  examples: [
    'kiln appliance run web.appliance.tar --name web1',
    'kiln appliance run web.appliance.tar --name web2 --memory 2G --connect qemu:///system',
    'kiln appliance run web.appliance.tar --network default --wait',
  ],
  helpText: [
    'Every instance of one appliance version shares one read-only, checksum-verified copy of its system',
    'disks (each instance boots a qcow2 overlay over it); data disks are the instance\'s own copies (or new',
    'empty disks of the descriptor\'s size); scratch disks are made empty. The MAC address is chosen now.',
    'The instance gets a NoCloud seed with its host name and an SSH key kiln made for it (in its directory).',
  ].join('\n'),
  async action(args, f, ctx) {
    const { runAppliance } = await import('../../pipeline/appliance/run.js');
    const r = await runAppliance(
      { bundle: args[0]!, name: f.name, instancesDir: f.instances, memoryMiB: memoryMiB(f.memory), vcpus: positive(f.vcpus, '--vcpus'), network: f.network, graphics: f.graphics, user: f.user, wait: f.wait === true, timeoutS: parseDuration(f.timeout ?? '15m', '--timeout') },
      jobContext(f, ctx),
    );
    const text = [`${r.name}: ${r.appliance.name} ${r.appliance.version ?? r.appliance.key} (${r.arch}, boot descriptor ${r.boot}, ${r.firmware === 'bios' ? 'BIOS' : 'UEFI'}) ${r.checks ? (r.passed ? 'is running and passed its checks' : 'is running but FAILED a check') : 'started'}`, ...reachLines(r.reach), ...checkLines(r.checks)].join('\n');
    return { text, json: r, exitCode: r.passed === false ? 1 : 0 };
  },
});

const updateCommand = defineCommand<ApplianceFlags & { memory?: string; timeout?: string }>({
  name: 'update',
  summary: "replace an instance's system disks with a new version's, keep its data disks; roll back if it does not boot",
  args: ['<name>', '<bundle>'],
  options: [
    { flags: '--memory <size>', description: 'guest memory from now on (default: as before)' },
    { flags: '--timeout <duration>', description: 'how long the new version may take to boot and pass its checks', default: '15m' },
    ...common,
  ],
  examples: ['kiln appliance update web1 web-1.1.appliance.tar'],
  async action(args, f, ctx) {
    const { updateAppliance } = await import('../../pipeline/appliance/update.js');
    const r = await updateAppliance({ name: args[0]!, bundle: args[1]!, instancesDir: f.instances, memoryMiB: memoryMiB(f.memory), timeoutS: parseDuration(f.timeout ?? '15m', '--timeout') }, jobContext(f, ctx));
    const to = r.to.version ?? r.to.key;
    const text = r.updated ? [`${r.name}: ${r.from.version ?? r.from.key} → ${to}, data disks kept, running`, ...reachLines(r.reach), ...checkLines(r.checks)].join('\n') : `${r.name} already runs ${r.to.name} ${to}: nothing to do`;
    return { text, json: r };
  },
});

const listCommand = defineCommand<ApplianceFlags>({
  name: 'list',
  summary: 'the instances: name, appliance, version, state, disks',
  options: common,
  examples: ['kiln appliance list', 'kiln appliance list --json'],
  async action(_args, f, ctx) {
    const { listAppliances, LIST_HEADERS, listRows } = await import('../../pipeline/appliance/list.js');
    const rows = await listAppliances({ instancesDir: f.instances }, jobContext(f, ctx));
    return { text: rows.length ? table(LIST_HEADERS, listRows(rows)) : 'no instances', json: rows };
  },
});

const rmCommand = defineCommand<ApplianceFlags & { keepData?: boolean }>({
  name: 'rm',
  summary: 'undefine the domain and remove the instance\'s files (its data disks too, unless --keep-data)',
  args: ['<name>'],
  options: [{ flags: '--keep-data', description: 'keep the data disks (a second rm removes them)' }, ...common],
  examples: ['kiln appliance rm web1', 'kiln appliance rm web2 --keep-data'],
  async action(args, f, ctx) {
    const { removeAppliance } = await import('../../pipeline/appliance/remove.js');
    const r = await removeAppliance({ name: args[0]!, instancesDir: f.instances, keepData: f.keepData === true }, jobContext(f, ctx));
    const text = [`${r.name}: removed`, ...r.keptData.map((d) => `  kept data disk: ${d}`), ...r.removedVersions.map((v) => `  no instance uses ${v} any more: removed`)].join('\n');
    return { text, json: r };
  },
});

export const applianceCommand: CommandSpec = defineCommand<Record<string, never>>({
  name: 'appliance',
  summary: 'deploy appliance bundles: check a host, run instances, update them keeping their data, list, remove',
  subcommands: [checkCommand, runCommand, updateCommand, listCommand, rmCommand],
  examples: [
    'kiln appliance check web.appliance.tar',
    'kiln appliance run web.appliance.tar --name web1',
    'kiln appliance list',
    'kiln appliance update web1 web-1.1.appliance.tar',
    'kiln appliance rm web1 --keep-data',
  ],
});
