/**
 * `kiln appliance run`: an instance of an appliance, deployed. In order, and nothing written
 * before the checks pass: the bundle opened and its descriptor checked, a boot descriptor this
 * host runs chosen, memory and disk space checked, the name reserved. Then the instance's
 * directory and record (state `creating`) first, the verified version copy, the disks, the SSH key
 * and NoCloud seed, the persistent domain last; the record says `ready` and the domain starts.
 * A failure on the way removes what was made in reverse order (domain, disks, record), so there
 * is never a domain without its disks nor a disk without a record.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withCleanup } from '../../core/cleanup.js';
import { KilnError } from '../../core/errors.js';
import { rmrf } from '../../core/fs.js';
import { checkGuestCanReach, openToGuest } from '../../core/guest-access.js';
import { checkInstanceName, defaultInstancesDir, instanceDir, versionDir, withLock } from '../../appliance/instance-root.js';
import { makeDisk } from '../../appliance/instance-disks.js';
import { writeRecord, type InstanceRecord } from '../../appliance/instance-record.js';
import { instanceDomainSpec } from '../../appliance/domain-spec.js';
import { availableMemoryMiB, requireMemory, requireSpace } from '../../appliance/space.js';
import { acquireVersion, collectVersions, versionBytes, versionKey } from '../../appliance/versions.js';
import { outputRecord } from '../../testing/boot-image.js';
import { randomMac } from '../../testing/boot-domain.js';
import type { CheckResult } from '../../testing/checks.js';
import { firmwareOf } from '../../testing/guest-firmware.js';
import type { Firmware } from '../../image/boot-firmware.js';
import { makeNoCloudSeed } from '../../testing/seed.js';
import { makeKeyPair } from '../../testing/ssh-key.js';
import { freePort } from '../../testing/ssh.js';
import { wrapHypervisorError } from '../hypervisor-errors.js';
import { JobResources, type JobContext } from '../resources.js';
import { prepareAppliance } from './prepare.js';
import { reachInstance, type Reach } from './reach.js';
import { KEY_FILE, startInstance } from './start.js';

export interface ApplianceRunRequest {
  bundle: string;
  name?: string;
  instancesDir?: string;
  memoryMiB?: number;
  vcpus?: number;
  /** A named libvirt network; default QEMU's user-mode network with an SSH port forward. */
  network?: string;
  graphics?: boolean;
  /** The appliance's cloud user (default: what kiln recorded beside the bundle). */
  user?: string;
  /** Watch the boot and run the boot test's checks. */
  wait?: boolean;
  timeoutS?: number;
}

export interface ApplianceRunResult {
  name: string;
  dir: string;
  appliance: InstanceRecord['appliance'];
  arch: string;
  boot: number;
  /** The firmware it starts under: its boot descriptor's. */
  firmware: Firmware;
  reach: Reach;
  checks?: CheckResult[];
  passed?: boolean;
}

export const RUN_DEFAULTS = { timeoutS: 900 };

/** Overlays and new empty qcow2 disks start small; room for them and the seed. */
const SMALL_FILES_BYTES = 16 * 1024 * 1024;

async function nameTaken(root: string, name: string, domains: string[]): Promise<string | undefined> {
  if (await stat(instanceDir(root, name)).then(() => true, () => false)) return `an instance named ${name} exists in ${root}`;
  if (domains.includes(name)) return `libvirt already has a domain named ${name}`;
  return undefined;
}

export async function runAppliance(request: ApplianceRunRequest, ctx: JobContext): Promise<ApplianceRunResult> {
  const root = request.instancesDir ?? defaultInstancesDir(ctx.storeDir);
  if (request.name) checkInstanceName(request.name);
  return withCleanup(ctx.emit, async (cleanup) => {
    const res = new JobResources(ctx, cleanup);
    const hv = await res.hypervisor();
    if (request.name) {
      const taken = await nameTaken(root, request.name, await hv.listDomains());
      if (taken) throw new KilnError('APPLIANCE_NAME_IN_USE', `cannot deploy ${request.name}: ${taken}`, { fault: 'user', hint: "Pick another --name, or remove the old one with 'kiln appliance rm'." });
    }
    await mkdir(root, { recursive: true });
    // QEMU (libvirt's own user under qemu:///system) must pass every directory down to the disks.
    const guest = await res.guestIdentity();
    await checkGuestCanReach(join(root, 'images'), guest, 'the instances directory');
    const scratch = await mkdtemp(join(root, '.open-'));
    cleanup.push(`scratch ${scratch}`, () => rm(scratch, { recursive: true, force: true }));
    const p = await prepareAppliance({ bundle: request.bundle, scratch, res, memoryMiB: request.memoryMiB, vcpus: request.vcpus });
    const appliance = p.opened.descriptor;
    requireMemory(p.memoryMiB, availableMemoryMiB(), `${appliance.name} (boot descriptor ${p.boot.index})`);
    const known = versionKey(p.opened, p.boot);
    const haveVersion = known !== undefined && (await stat(versionDir(root, appliance.name, known)).then(() => true, () => false));
    const dataBytes = p.planned.filter((d) => d.disk.use === 'data').reduce((n, d) => n + (d.shippedBytes ?? 0), 0);
    await requireSpace(root, (haveVersion ? 0 : versionBytes(p.opened, p.boot)) + dataBytes + SMALL_FILES_BYTES, `deploying ${appliance.name}`);

    // Reserve the name: the directory and its record, under the lock every run takes.
    const domains = await hv.listDomains();
    const recordBase = {
      schemaVersion: 1 as const,
      state: 'creating' as const,
      appliance: { name: appliance.name, version: appliance.version, release: appliance.release, label: appliance.label, key: '' },
      boot: { index: p.boot.index, arch: p.boot.arch },
      uri: hv.uri,
      memoryMiB: p.memoryMiB,
      vcpus: p.vcpus,
      network: request.network ? { kind: 'network' as const, name: request.network } : { kind: 'user' as const, sshPort: await freePort() },
      macs: Array.from({ length: Math.max(1, appliance.devices.interfaces.length) }, () => randomMac()),
      disks: [],
      user: request.user ?? (await outputRecord(p.opened.source))?.cloudUser,
      instanceId: `i-${randomUUID().replace(/-/g, '').slice(0, 17)}`,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    const record: InstanceRecord = await withLock(root, 'instances', async () => {
      let name = request.name;
      if (name) {
        const taken = await nameTaken(root, name, domains);
        if (taken) throw new KilnError('APPLIANCE_NAME_IN_USE', `cannot deploy ${name}: ${taken}`, { fault: 'user', hint: "Pick another --name, or remove the old one with 'kiln appliance rm'." });
      } else {
        for (let n = 1; !name; n++) {
          const candidate = checkInstanceName(`${appliance.name.slice(0, 56)}-${n}`);
          if (!(await nameTaken(root, candidate, domains))) name = candidate;
        }
      }
      const r: InstanceRecord = { ...recordBase, name, domain: { name, uuid: randomUUID(), type: p.domainType } };
      await mkdir(instanceDir(root, name));
      // Passable for QEMU, closed to everyone else: data disks hold the user's data.
      await openToGuest(instanceDir(root, name), guest);
      await writeRecord(instanceDir(root, name), r);
      return r;
    });
    const dir = instanceDir(root, record.name);
    const dropInstance = cleanup.push(`instance ${record.name}`, async () => {
      await rmrf(dir);
      await collectVersions(root);
    });

    const version = await acquireVersion({
      root, opened: p.opened, boot: p.boot, emit: ctx.emit, signal: ctx.signal,
      claim: async (key) => {
        record.appliance.key = key;
        await writeRecord(dir, record);
      },
    });
    for (const planned of p.planned) record.disks.push(await makeDisk(planned, dir, version.dir, ctx.signal));
    const key = await makeKeyPair(dir, `kiln@${record.name}`, ctx.signal);
    const seed = join(dir, 'seed.iso');
    await makeNoCloudSeed(dir, seed, { instanceId: record.instanceId, hostname: record.name, sshKeys: [key.publicKey] }, ctx.signal);
    await writeRecord(dir, record);

    const spec = instanceDomainSpec({ record, boot: p.boot, devices: appliance.devices, instanceDir: dir, versionDir: version.dir, seed, graphics: request.graphics !== false });
    const domain = await hv.defineDomain(spec).catch((error: unknown) => {
      throw wrapHypervisorError(error, `cannot define the domain ${record.name}`);
    });
    const dropDomain = cleanup.push(`domain ${record.name}`, async () => {
      await domain.destroy();
      await domain.undefine();
    });
    record.state = 'ready';
    record.spec = spec;
    await writeRecord(dir, record);
    const checks = await startInstance({ res, cleanup, domain, spec, record, dir, wait: request.wait === true, timeoutS: request.timeoutS ?? RUN_DEFAULTS.timeoutS });
    // Deployed: from here on the instance stays, whatever its checks say.
    dropDomain();
    dropInstance();
    return {
      name: record.name,
      dir,
      appliance: record.appliance,
      arch: record.boot.arch,
      boot: record.boot.index,
      firmware: firmwareOf(spec.firmware),
      reach: reachInstance(record, dir, hv.uri, spec.graphics !== undefined, KEY_FILE),
      checks,
      passed: checks ? checks.every((c) => c.status !== 'fail') : undefined,
    };
  });
}
