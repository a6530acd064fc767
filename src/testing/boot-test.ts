/**
 * One boot test: an output booted the way a cloud would boot it — firmware, its own boot loader,
 * cloud-init from a NoCloud seed or kiln's emulated EC2 metadata service — then logged into over
 * SSH with a key made for this test, and checked (checks.ts). The output file is never written
 * (the guest runs on an overlay); the guest, the metadata service and the work directory are on
 * the cleanup stack. Console, domain XML, cloud-init's logs and report.json stay in the report
 * directory. A guest that never becomes reachable is reported as a failed `boot` check with the
 * reason and the console's tail, not thrown: the report says what happened to every image.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildDomainXml, type Hypervisor } from '../../hypervisor/index.js';
import type { CleanupStack } from '../core/cleanup.js';
import { isKilnError, toKilnError, usageError } from '../core/errors.js';
import { warn, type Emit } from '../core/events.js';
import { requireTools } from '../core/tools.js';
import { BOOT_FACT_TOOLS, describeFirmware, inspectBootFirmware, type Firmware } from '../image/boot-firmware.js';
import { firmwareSpec, requireFirmware } from './guest-firmware.js';
import { GuestRun } from '../pipeline/guest-run.js';
import type { Arch } from '../core/arch.js';
import { guestAccess } from './boot-work-access.js';
import { archOf, checkImagePath, outputRecord, prepareBootDisk, type ImageKind } from './boot-image.js';
import { unpackForTest } from '../appliance/bundle.js';
import { readDescriptorFile } from '../appliance/read-descriptor.js';
import { bootDomain, EC2_GUEST_ADDRESS, EC2_SUBNET, ec2Uuid, randomMac, testName } from './boot-domain.js';
import { bootMonitor } from './boot-watch.js';
import { judge, type CheckResult } from './checks.js';
import { GUEST_FACTS_SCRIPT, parseFacts } from './guest-facts.js';
import { MetadataService } from './imds.js';
import { startMetadataServer } from './imds-server.js';
import { waitForLogin } from './login.js';
import type { ImageReport } from './report.js';
import { makeNoCloudSeed, userData } from './seed.js';
import { makeKeyPair } from './ssh-key.js';
import { freePort, sshExec, type SshTarget } from './ssh.js';

export type MetadataWay = 'nocloud' | 'ec2';

/** What is known about an image when no targets.json is beside it (a compose's images). */
export interface ImageHints {
  arch?: Arch;
  user?: string;
  target?: string;
}

export interface BootTestInput {
  image: string;
  hints?: ImageHints;
  as?: MetadataWay;
  arch?: Arch;
  user?: string;
  /** The firmware to boot under; default: BIOS when the disk boots BIOS, else UEFI when it boots UEFI. */
  firmware?: Firmware;
  growBytes?: number;
  timeoutS: number;
  memoryMiB: number;
  vcpus: number;
  /** Where this image's report goes (created). */
  reportDir: string;
  keepOnFailure: boolean;
  hypervisor: () => Promise<Hypervisor>;
  domainType: () => Promise<'kvm' | 'qemu'>;
  emit: Emit;
  signal: AbortSignal;
  cleanup: CleanupStack;
}

const CLOUD_INIT_LOGS = ['/var/log/cloud-init.log', '/var/log/cloud-init-output.log'];

export async function bootTest(i: BootTestInput): Promise<ImageReport> {
  const started = Date.now();
  const kind = await checkImagePath(i.image);
  const record = await outputRecord(i.image);
  let arch = i.arch ?? i.hints?.arch ?? archOf(record, undefined);
  const as: MetadataWay = i.as ?? ((i.hints?.target ?? record?.target) === 'ec2' ? 'ec2' : 'nocloud');
  if (kind === 'appliance' && as === 'ec2') throw usageError('an appliance boots from its descriptor with a NoCloud seed, not the EC2 way');
  const user = i.user ?? i.hints?.user ?? record?.cloudUser;
  if (!user) {
    throw usageError(`${i.image}: whom to log in as is unknown (no kiln record beside the image names its cloud user)`, "Give --user NAME: the image's default cloud user (fedora, cloud-user, debian, …).");
  }
  await requireTools(['qemu-img', 'ssh-keygen', 'ssh', ...BOOT_FACT_TOOLS, ...(as === 'nocloud' ? (['genisoimage'] as const) : []), ...(kind === 'raw.xz' || kind === 'raw.tar.xz' || kind === 'appliance' ? (['xz', 'tar'] as const) : [])], 'a boot test');
  await mkdir(i.reportDir, { recursive: true });
  if (i.firmware) await requireFirmware(i.firmware, arch, `a boot test under ${FIRMWARE_NAMES[i.firmware]}`);
  const base: Omit<ImageReport, 'checks' | 'passed' | 'durationSeconds'> = { image: i.image, arch, as, firmware: i.firmware ?? 'bios', user, dir: i.reportDir };

  return i.cleanup.scope(`boot test of ${basename(i.image)}`, i.emit, async (cleanup) => {
    // The work directory holds the private key (0600): 0700 (mkdtemp), until QEMU is let in.
    const work = await mkdtemp(join(i.reportDir, '.work-'));
    let keep = false;
    cleanup.push(`work directory ${work}`, () => (keep ? undefined : rm(work, { recursive: true, force: true })));
    // A qcow2 or raw image is the overlay's backing file, where it is; others are unpacked first.
    const bootsInPlace = kind === 'qcow2' || kind === 'raw';
    const letGuestIn = guestAccess({ work, image: i.image, bootsInPlace, hypervisor: i.hypervisor });
    if (!bootsInPlace) await letGuestIn();

    // An appliance boots from its descriptor: the system disk first, its data and scratch disks after.
    let extraDisks: { path: string; format: 'qcow2' | 'raw' }[] = [];
    let system: { image: string; kind: Exclude<ImageKind, 'appliance'> } = { image: i.image, kind: kind === 'appliance' ? 'qcow2' : kind };
    // A UEFI boot descriptor boots under UEFI, as `kiln appliance run` boots it.
    let applianceFirmware: Firmware | undefined;
    if (kind === 'appliance') {
      const unpacked = join(work, 'appliance');
      await mkdir(unpacked);
      const descriptor = await readDescriptorFile(await unpackForTest(i.image, unpacked, i.signal), i.signal);
      // The boot test boots the way kiln's appliances boot: the first hvm descriptor for an arch kiln runs, from its disk.
      const boot = descriptor.boots.find((b) => b.type === 'hvm' && (b.arch === 'x86_64' || b.arch === 'i686') && b.os.kind === 'loader' && b.os.dev === 'hd');
      const drives = boot?.drives.filter((d) => d.disk.format === 'qcow2' || d.disk.format === 'raw') ?? [];
      const first = drives.find((d) => d.disk.use === 'system');
      if (!boot || !first) throw usageError(`${i.image}: no boot descriptor the boot test can boot (hvm, x86_64 or i686, from a raw or qcow2 system disk)`);
      arch = boot.arch as Arch;
      base.arch = arch;
      if (boot.os.kind === 'loader' && boot.os.firmware === 'efi') applianceFirmware = 'uefi';
      system = { image: join(descriptor.dir, first.disk.file), kind: first.disk.format as 'qcow2' | 'raw' };
      extraDisks = drives.filter((d) => d !== first).map((d) => ({ path: join(descriptor.dir, d.disk.file), format: d.disk.format as 'qcow2' | 'raw' }));
    }
    const disk = await prepareBootDisk({ image: system.image, kind: system.kind, workDir: work, growBytes: i.growBytes, signal: i.signal });
    // Which firmwares the disk boots, read from it: the default firmware, and a clear failure
    // (instead of a firmware waiting for a boot loader) when it cannot boot the way asked.
    // A disk kiln cannot read this way is booted anyway (the boot itself will tell).
    const facts = await inspectBootFirmware({ image: disk.overlay, format: 'qcow2', virtualSize: disk.imageSize, arch, tmpDir: work, signal: i.signal }).catch((error: unknown) => {
      if (!isKilnError(error) || error.code !== 'BOOT_FACTS_FAILED') throw error;
      warn(i.emit, `${basename(i.image)}: which firmwares boot it is unknown: ${toKilnError(error.cause).message}`, 'BOOT_FACTS_FAILED');
      return undefined;
    });
    const firmware: Firmware = i.firmware ?? applianceFirmware ?? (!facts || facts.firmware.includes('bios') || !facts.firmware.includes('uefi') ? 'bios' : 'uefi');
    base.firmware = firmware;
    const bootCheck = `boot (${firmware})`;
    if (facts && !facts.firmware.includes(firmware)) {
      const detail = `the image does not boot under ${FIRMWARE_NAMES[firmware]} (what it boots under: ${describeFirmware(facts)}): ${facts.evidence.join('; ')}`;
      return finish(i, base, started, [{ name: bootCheck, status: 'fail', detail }], { code: 'BOOT_NO_BOOTLOADER', message: detail, details: facts.evidence }, false, work);
    }
    await requireFirmware(firmware, arch, `a boot test under ${FIRMWARE_NAMES[firmware]}`);
    await letGuestIn();
    const key = await makeKeyPair(work, `kiln-test@${basename(i.image)}`, i.signal);
    const hostname = `kiln-test-${randomBytes(3).toString('hex')}`;
    const instanceId = `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
    const mac = randomMac();
    let seed: string | undefined;
    let ec2: { uuid: string; imdsPort: number; instanceType: string } | undefined;
    let imds: MetadataService | undefined;
    if (as === 'nocloud') {
      seed = join(work, 'seed.iso');
      await makeNoCloudSeed(work, seed, { instanceId, hostname, sshKeys: [key.publicKey] }, i.signal);
    } else {
      const instanceType = arch === 'i686' ? 't1.micro' : 't3.micro';
      imds = new MetadataService({
        instanceId, amiId: `ami-${randomBytes(9).toString('hex').slice(0, 17)}`, hostname, localIpv4: EC2_GUEST_ADDRESS, subnetCidr: EC2_SUBNET, mac,
        region: 'us-east-1', availabilityZone: 'us-east-1a', instanceType, architecture: arch === 'i686' ? 'i386' : 'x86_64',
        publicKeys: [{ name: 'kiln-test', key: key.publicKey }], userData: userData([]),
      });
      const server = await startMetadataServer(imds, i.emit);
      cleanup.push('metadata service', () => server.close());
      ec2 = { uuid: ec2Uuid(), imdsPort: server.port, instanceType };
    }
    const sshPort = await freePort();
    const console = join(i.reportDir, 'console.log');
    await rm(console, { force: true });
    const spec = bootDomain({
      name: testName(), type: await i.domainType(), arch, memoryMiB: i.memoryMiB, vcpus: i.vcpus, overlay: disk.overlay, extraDisks, seed, sshPort, mac, console, ec2,
      // UEFI: the guest's own variable store in the work directory, made by libvirt from OVMF's.
      firmware: firmwareSpec(firmware, join(work, 'nvram.fd')),
    });
    await writeFile(join(i.reportDir, 'domain.xml'), buildDomainXml(spec));

    const run = new GuestRun({
      hypervisor: await i.hypervisor(),
      spec,
      logs: { console },
      // The login wait below ends the test at --timeout with the reason; the machine's own timeout
      // is a backstop behind it.
      monitor: bootMonitor({ timeoutS: i.timeoutS + 60, kernelDeadlineS: Math.min(i.timeoutS, spec.type === 'kvm' ? 60 : 180) }),
      emit: i.emit,
      signal: i.signal,
      cleanup,
      hint: `The console is in ${console}.`,
    });
    const target: SshTarget = { port: sshPort, user, privateKey: key.privateKey, knownHosts: join(work, 'known_hosts') };
    let checks: CheckResult[] = [];
    let loginMs: number | undefined;
    let loginAttemptMs: number | undefined;
    let guestBootMs: number | undefined;
    let failure: ImageReport['failure'];
    try {
      await run.start();
      ({ ms: loginMs, attemptMs: loginAttemptMs } = await waitForLogin(run, target, { deadlineMs: run.startedAt + i.timeoutS * 1000, afterRunningS: spec.type === 'kvm' ? 120 : 300, signal: i.signal }));
      checks.push({ name: bootCheck, status: 'pass', detail: 'firmware → boot loader → kernel → userspace' });
      checks.push({ name: `ssh login as ${user}`, status: 'pass', detail: `${(loginMs / 1000).toFixed(1)} s after start, key from ${as === 'ec2' ? 'the metadata service' : 'the NoCloud seed'}` });
      const factsRun = await sshExec(target, 'sh -s', { timeoutMs: i.timeoutS * 1000, signal: i.signal, input: GUEST_FACTS_SCRIPT });
      await writeFile(join(i.reportDir, 'guest-facts.txt'), factsRun.stdout + (factsRun.stderr ? `\n# stderr:\n${factsRun.stderr}` : ''));
      const guest = parseFacts(factsRun.stdout);
      if (guest.sshdReady !== undefined && run.kernelAt !== undefined) guestBootMs = run.kernelAt - run.startedAt + guest.sshdReady * 1000;
      if (!guest.complete) checks.push({ name: 'guest facts', status: 'fail', detail: 'the fact script did not finish' });
      checks.push(...judge(guest, { datasource: as === 'ec2' ? 'Ec2' : 'NoCloud', hostname, growBytes: i.growBytes ?? 0, rootLocked: as === 'ec2', firmware }));
      if (imds) {
        checks.push(imds.servedPublicKey()
          ? { name: 'key from the metadata service', status: 'pass', detail: `${imds.served.length} requests served, IMDSv2 tokens required` }
          : { name: 'key from the metadata service', status: 'fail', detail: 'the guest never read meta-data/public-keys/0/openssh-key' });
      }
      await fetchLogs(target, i.reportDir, i.signal);
    } catch (error) {
      if (!isKilnError(error) || error.code === 'INTERRUPTED') throw error;
      const e = toKilnError(error);
      failure = { code: e.code, message: e.message, details: e.details };
      checks = failedChecks(run, user, bootCheck, e.code, e.message, checks);
    } finally {
      const passed = checks.length > 0 && checks.every((c) => c.status !== 'fail');
      run.feed(passed ? { kind: 'passed', at: Date.now() } : { kind: 'fail', at: Date.now(), reason: 'check-failed', message: 'a check failed' });
      await run.stop({ destroy: true });
    }
    const passed = checks.length > 0 && checks.every((c) => c.status !== 'fail');
    keep = !passed && i.keepOnFailure;
    const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
    const times = { loginSeconds: seconds(loginMs), loginAttemptSeconds: seconds(loginAttemptMs), guestBootSeconds: seconds(guestBootMs) };
    return finish(i, { ...base, ...times }, started, checks, failure, keep, work);
  });
}

const FIRMWARE_NAMES: Record<Firmware, string> = { bios: 'BIOS', uefi: 'UEFI', 'uefi-secure': 'UEFI with Secure Boot' };

/** The image's report, written to its report.json. */
async function finish(
  i: BootTestInput,
  base: Omit<ImageReport, 'checks' | 'passed' | 'durationSeconds'>,
  started: number,
  checks: CheckResult[],
  failure: ImageReport['failure'],
  keep: boolean,
  work: string,
): Promise<ImageReport> {
  const passed = checks.length > 0 && checks.every((c) => c.status !== 'fail');
  const report: ImageReport = { ...base, checks, passed, durationSeconds: (Date.now() - started) / 1000, failure };
  await writeFile(join(i.reportDir, 'report.json'), `${JSON.stringify({ ...report, keptWork: keep ? work : undefined }, null, 2)}\n`);
  return report;
}

/**
 * The checks of a test that ended early: a guest that reached userspace booted (the failure is
 * the login's, or cloud-init's); one that did not failed to boot.
 */
export function failedChecks(run: GuestRun, user: string, bootCheck: string, code: string, message: string, done: CheckResult[]): CheckResult[] {
  if (done.length > 0) return [...done, { name: 'checks', status: 'fail', detail: `[${code}] ${message}` }];
  const reason = run.machine.failure?.reason;
  const booted = run.machine.failure !== undefined && ['cloud-init', 'ssh-refused', 'no-network'].includes(reason ?? '');
  if (!booted) return [{ name: bootCheck, status: 'fail', detail: `[${code}] ${message}` }];
  const failing = reason === 'cloud-init' ? 'cloud-init' : reason === 'no-network' ? 'network' : `ssh login as ${user}`;
  return [
    { name: bootCheck, status: 'pass', detail: 'firmware → boot loader → kernel → userspace' },
    { name: failing, status: 'fail', detail: message },
  ];
}

async function fetchLogs(target: SshTarget, dir: string, signal: AbortSignal): Promise<void> {
  for (const path of CLOUD_INIT_LOGS) {
    const r = await sshExec(target, `sudo -n cat ${path} 2>/dev/null || cat ${path}`, { timeoutMs: 60_000, signal });
    if (r.exitCode === 0) await writeFile(join(dir, basename(path)), r.stdout);
  }
}
