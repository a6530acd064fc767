/**
 * `kiln appliance check`: can this host run the appliance? Every boot descriptor judged against
 * libvirt's capabilities (and why each rejected one is), the files the chosen one needs found in
 * the bundle, memory and disk space compared with what a deployment takes. Nothing is written
 * but the descriptor, taken out of the bundle into a temporary directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCleanup } from '../../core/cleanup.js';
import { isKilnError } from '../../core/errors.js';
import { formatBytes } from '../../core/units.js';
import { describeVerdicts, needsUefi } from '../../appliance/host-match.js';
import { defaultInstancesDir } from '../../appliance/instance-root.js';
import { plannedDisks } from '../../appliance/open-bundle.js';
import { availableMemoryMiB, freeBytes } from '../../appliance/space.js';
import { versionBytes } from '../../appliance/versions.js';
import { JobResources, type JobContext } from '../resources.js';
import { DEFAULT_MEMORY_MIB, openAndMatch } from './prepare.js';

export interface ApplianceCheckReport {
  source: string;
  appliance: { name: string; version?: string; release?: string; label?: string };
  /** One line per boot descriptor: chosen, suitable or rejected (with why). */
  boots: string[];
  chosen?: { index: number; arch: string; type: string; firmware: 'bios' | 'uefi' };
  /** Problems besides the boot descriptors: missing files, memory, disk space. */
  problems: string[];
  memory: { needMiB: number; availableMiB: number };
  disk: { dir: string; needBytes: number; freeBytes: number };
  ok: boolean;
}

export async function checkAppliance(request: { bundle: string; instancesDir?: string; memoryMiB?: number }, ctx: JobContext): Promise<ApplianceCheckReport> {
  const root = request.instancesDir ?? defaultInstancesDir(ctx.storeDir);
  return withCleanup(ctx.emit, async (cleanup) => {
    const res = new JobResources(ctx, cleanup);
    const scratch = await mkdtemp(join(tmpdir(), 'kiln-appliance-check-'));
    cleanup.push(`scratch ${scratch}`, () => rm(scratch, { recursive: true, force: true }));
    const { opened, match } = await openAndMatch(request.bundle, scratch, res);
    const d = opened.descriptor;
    const problems: string[] = [];
    let needBytes = 0;
    if (match.chosen) {
      try {
        const planned = plannedDisks(opened, match.chosen.boot);
        needBytes = versionBytes(opened, match.chosen.boot) + planned.filter((p) => p.disk.use === 'data').reduce((n, p) => n + (p.shippedBytes ?? 0), 0);
      } catch (error) {
        if (!isKilnError(error)) throw error;
        problems.push(error.message);
      }
    } else problems.push('no boot descriptor suits this host');
    const needMiB = request.memoryMiB ?? (d.devices.memoryKiB ? Math.ceil(d.devices.memoryKiB / 1024) : DEFAULT_MEMORY_MIB);
    const availableMiB = availableMemoryMiB();
    if (needMiB > availableMiB) problems.push(`needs ${needMiB} MiB of memory; the host has ${availableMiB} MiB available`);
    const free = await freeBytes(root);
    if (needBytes > free) problems.push(`needs ${formatBytes(needBytes)} in ${root}, which has ${formatBytes(free)} free`);
    return {
      source: opened.source,
      appliance: { name: d.name, version: d.version, release: d.release, label: d.label },
      boots: describeVerdicts(match),
      chosen: match.chosen && { index: match.chosen.boot.index, arch: match.chosen.boot.arch, type: match.chosen.boot.type, firmware: needsUefi(match.chosen.boot) ? 'uefi' : 'bios' },
      problems,
      memory: { needMiB, availableMiB },
      disk: { dir: root, needBytes, freeBytes: free },
      ok: problems.length === 0,
    };
  });
}
