/**
 * `kiln appliance update NAME BUNDLE`: the instance's system disks replaced by the new version's,
 * its data disks kept. The new bundle must be the same appliance (name and arch); its version is
 * verified and copied like any other; the guest is shut down; the old system overlays are moved
 * aside (not deleted), new overlays made over the new version, scratch disks made anew, the
 * domain redefined from the new boot descriptor and started, and the boot test's checks run. If
 * a vital check fails (or the update is interrupted), the old overlays come back, the old domain
 * definition is restored and started, and the command fails saying which checks failed. Data
 * disks are never written by kiln, either way. A UEFI instance's variable store (its boot entries
 * name the old system disk's loader) goes aside with the old overlays and comes back with them:
 * the new version starts from OVMF's template, under the firmware its boot descriptor names.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Domain } from '../../../hypervisor/index.js';
import { withCleanup } from '../../core/cleanup.js';
import { KilnError, usageError } from '../../core/errors.js';
import { info, warn } from '../../core/events.js';
import { instanceDomainSpec, NVRAM_FILE } from '../../appliance/domain-spec.js';
import { makeDisk, renewScratch } from '../../appliance/instance-disks.js';
import { readRecord, writeRecord, type InstanceDisk, type InstanceRecord } from '../../appliance/instance-record.js';
import { checkInstanceName, defaultInstancesDir, instanceDir, versionDir } from '../../appliance/instance-root.js';
import { availableMemoryMiB, requireMemory, requireSpace } from '../../appliance/space.js';
import { acquireVersion, collectVersions, versionBytes, versionKey } from '../../appliance/versions.js';
import type { CheckResult } from '../../testing/checks.js';
import { vitalFailures } from '../../testing/guest-checks.js';
import { wrapHypervisorError } from '../hypervisor-errors.js';
import { JobResources, type JobContext } from '../resources.js';
import { prepareAppliance } from './prepare.js';
import { reachInstance, type Reach } from './reach.js';
import { RUN_DEFAULTS } from './run.js';
import { KEY_FILE, startInstance } from './start.js';

export interface ApplianceUpdateRequest {
  name: string;
  bundle: string;
  instancesDir?: string;
  memoryMiB?: number;
  timeoutS?: number;
}

export interface ApplianceUpdateResult {
  name: string;
  from: InstanceRecord['appliance'];
  to: InstanceRecord['appliance'];
  updated: boolean;
  checks: CheckResult[];
  reach: Reach;
}

/** A guest that has not powered off this long after the ACPI request is destroyed. */
const SHUTDOWN_GRACE_MS = 120_000;

export async function openInstance(root: string, name: string): Promise<{ dir: string; record: InstanceRecord }> {
  checkInstanceName(name);
  const dir = instanceDir(root, name);
  const record = await readRecord(dir);
  if (!record) throw new KilnError('APPLIANCE_INSTANCE_NOT_FOUND', `no instance named ${name} in ${root}`, { fault: 'user', usage: true, hint: "'kiln appliance list' shows the instances (--instances DIR picks another directory)." });
  return { dir, record };
}

export async function stopDomain(domain: Domain, signal: AbortSignal): Promise<void> {
  if ((await domain.state()) === 'shut-off') return;
  const stopped = domain.waitForStop(AbortSignal.any([signal, AbortSignal.timeout(SHUTDOWN_GRACE_MS)])).catch(() => undefined);
  await domain.shutdown();
  await stopped;
  await domain.destroy();
}

export async function updateAppliance(request: ApplianceUpdateRequest, ctx: JobContext): Promise<ApplianceUpdateResult> {
  const root = request.instancesDir ?? defaultInstancesDir(ctx.storeDir);
  const { dir, record } = await openInstance(root, request.name);
  if (record.state !== 'ready' || !record.spec) {
    throw new KilnError('APPLIANCE_INSTANCE_BUSY', `${record.name} is ${record.state}: an earlier kiln command on it was cut short`, { fault: 'user', hint: `'kiln appliance rm ${record.name}' removes it (--keep-data keeps its data disks).` });
  }
  return withCleanup(ctx.emit, async (cleanup) => {
    // The libvirt connection the instance was deployed on, unless --connect says otherwise.
    const res = new JobResources({ ...ctx, connect: ctx.connect ?? record.uri }, cleanup);
    const hv = await res.hypervisor();
    const domain = await hv.lookupDomain({ uuid: record.domain.uuid });
    if (!domain) throw new KilnError('APPLIANCE_DOMAIN_MISSING', `libvirt (${hv.uri}) has no domain for ${record.name} (uuid ${record.domain.uuid})`, { fault: 'user', hint: `Was it undefined by hand? 'kiln appliance rm ${record.name}' removes the rest.` });
    const scratch = join(root, `.open-update-${process.pid}`);
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    cleanup.push(`scratch ${scratch}`, () => rm(scratch, { recursive: true, force: true }));
    const p = await prepareAppliance({ bundle: request.bundle, scratch, res, memoryMiB: request.memoryMiB ?? record.memoryMiB, vcpus: record.vcpus });
    const next = p.opened.descriptor;
    if (next.name !== record.appliance.name) throw usageError(`${p.opened.shownAs} is the appliance ${next.name}; ${record.name} runs ${record.appliance.name}`, 'An update replaces the system disks of the same appliance: deploy another appliance with kiln appliance run.');
    if (p.boot.arch !== record.boot.arch) throw usageError(`${p.opened.shownAs} runs here as ${p.boot.arch}; ${record.name} is ${record.boot.arch}`, 'Its data disks were written by an instance of the other arch: deploy a new instance instead.');
    const unchanged = (): ApplianceUpdateResult => ({ name: record.name, from: record.appliance, to: record.appliance, updated: false, checks: [], reach: reachInstance(record, dir, hv.uri, record.spec?.graphics !== undefined, KEY_FILE) });
    const known = versionKey(p.opened, p.boot);
    if (known === record.appliance.key) {
      info(ctx.emit, `${record.name} already runs ${record.appliance.name} ${record.appliance.version ?? ''} (${known})`);
      return unchanged();
    }
    const running = (await domain.state()) === 'running';
    if (!running) requireMemory(p.memoryMiB, availableMemoryMiB(), `starting ${record.name}`);
    const haveVersion = known !== undefined && (await stat(versionDir(root, next.name, known)).then(() => true, () => false));
    await requireSpace(root, (haveVersion ? 0 : versionBytes(p.opened, p.boot)) + 16 * 1024 * 1024, `updating ${record.name}`);

    const old: InstanceRecord = structuredClone(record);
    const version = await acquireVersion({
      root, opened: p.opened, boot: p.boot, emit: ctx.emit, signal: ctx.signal,
      claim: async (key) => {
        if (key === old.appliance.key) return;
        await writeRecord(dir, { ...old, state: 'updating', updatingTo: key });
      },
    });
    if (version.key === old.appliance.key) return unchanged();

    info(ctx.emit, `stopping ${record.name} to replace its system disks`);
    await stopDomain(domain, ctx.signal);
    const aside: InstanceDisk[] = old.disks.filter((d) => d.use === 'system' && !d.shared);
    for (const d of aside) await rename(join(dir, d.file), join(dir, `${d.file}.previous`));
    const nvram = join(dir, NVRAM_FILE);
    let nvramAside = false;
    const made: string[] = [];
    const rollback = async () => {
      await domain.destroy().catch(() => {});
      for (const f of made) await rm(join(dir, f), { force: true });
      for (const d of aside) await rename(join(dir, `${d.file}.previous`), join(dir, d.file)).catch(() => {});
      if (nvramAside) {
        await rm(nvram, { force: true });
        await rename(`${nvram}.previous`, nvram).catch(() => {});
      }
      await hv.defineDomain(old.spec!);
      await writeRecord(dir, { ...old, state: 'ready', updatingTo: undefined });
      await collectVersions(root);
    };
    const dropRollback = cleanup.push(`update of ${record.name} (back to its old system disks)`, rollback);
    nvramAside = await rename(nvram, `${nvram}.previous`).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    });

    // The new disk set: new system overlays, the same data disks (never touched), fresh scratch disks.
    const disks: InstanceDisk[] = [];
    const keptData = old.disks.filter((d) => d.use === 'data');
    for (const planned of p.planned) {
      const same = old.disks.find((d) => d.source === planned.disk.id && d.use === planned.disk.use && d.use !== 'system');
      if (same?.use === 'data') disks.push({ ...same });
      else if (same?.use === 'scratch') {
        await renewScratch(same, dir, ctx.signal);
        disks.push({ ...same });
      } else {
        const disk = await makeDisk(planned, dir, version.dir, ctx.signal);
        if (!disk.shared) made.push(disk.file);
        disks.push(disk);
      }
    }
    // A data disk the new version no longer names stays attached: nothing of the data is dropped.
    const used = new Set(disks.map((d) => d.target));
    for (const d of keptData.filter((k) => !disks.some((x) => x.file === k.file))) {
      let target = d.target;
      for (let i = 0; used.has(target); i++) target = `vd${String.fromCharCode(98 + i)}`;
      used.add(target);
      disks.push({ ...d, target, bus: target.startsWith('vd') ? 'virtio' : d.bus });
      warn(ctx.emit, `${next.name} ${next.version ?? ''} no longer names the data disk ${d.source}; it stays attached as ${target}`);
    }
    for (const d of old.disks.filter((x) => x.use === 'scratch' && !disks.some((y) => y.file === x.file))) await rm(join(dir, d.file), { force: true });

    const updated: InstanceRecord = { ...old, appliance: { name: next.name, version: next.version, release: next.release, label: next.label, key: version.key }, boot: { index: p.boot.index, arch: p.boot.arch }, memoryMiB: p.memoryMiB, disks, state: 'updating', updatingTo: version.key };
    const spec = instanceDomainSpec({ record: updated, boot: p.boot, devices: next.devices, instanceDir: dir, versionDir: version.dir, seed: join(dir, 'seed.iso'), graphics: old.spec!.graphics !== undefined });
    const redefined = await hv.defineDomain(spec).catch((error: unknown) => {
      throw wrapHypervisorError(error, `cannot redefine the domain ${record.name}`);
    });
    const checks = (await startInstance({ res, cleanup, domain: redefined, spec, record: updated, dir, wait: true, timeoutS: request.timeoutS ?? RUN_DEFAULTS.timeoutS })) ?? [];
    const failed = vitalFailures(checks);
    dropRollback();
    if (failed.length > 0) {
      await rollback();
      const back = await hv.lookupDomain({ uuid: old.domain.uuid });
      await back?.start().catch((error: unknown) => warn(ctx.emit, `the rolled-back ${record.name} did not start: ${(error as Error).message}`));
      throw new KilnError('APPLIANCE_UPDATE_ROLLED_BACK', `${record.name} did not pass its checks on ${next.name} ${next.version ?? version.key}: back on ${old.appliance.version ?? old.appliance.key} with its data disks untouched`, {
        fault: 'external',
        details: failed.map((c) => `${c.name}: ${c.detail}`),
        hint: `The new version's boot is in ${join(dir, 'console.log')}; the instance runs its old system disks again.`,
      });
    }
    for (const d of aside) await rm(join(dir, `${d.file}.previous`), { force: true });
    await rm(`${nvram}.previous`, { force: true });
    await writeRecord(dir, { ...updated, state: 'ready', updatingTo: undefined, spec });
    await collectVersions(root);
    await leftovers(dir);
    return { name: record.name, from: old.appliance, to: updated.appliance, updated: true, checks, reach: reachInstance(updated, dir, hv.uri, spec.graphics !== undefined, KEY_FILE) };
  });
}

/** Nothing named *.previous stays behind an update that finished. */
async function leftovers(dir: string): Promise<void> {
  for (const f of await readdir(join(dir, 'disks')).catch(() => [] as string[])) if (f.endsWith('.previous')) await rm(join(dir, 'disks', f), { force: true });
}
