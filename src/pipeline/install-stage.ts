/**
 * The install stage: resolved request → media (the driver reads the tree) → store key → (store
 * hit: done) → guest server, answer file, initrd with it, empty disk → transient guest watched to
 * power-off → captured disk and build record committed to the store. Every resource is on the
 * job's cleanup stack (in a scope of its own): a failure or an interrupt leaves no domain, no
 * temporary file and no store entry (the logs stay).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildDomainXml, type DomainSpec } from '../../hypervisor/index.js';
import { KilnError, isKilnError } from '../core/errors.js';
import { mediaCacheDir } from '../core/paths.js';
import { rmrf } from '../core/fs.js';
import { phase, type Timings } from '../core/phase.js';
import { requireTools } from '../core/tools.js';
import { shortId, type BaseImage } from '../store/store.js';
import { parseTreeLocation, type GuestUrls } from '../installers/index.js';
import { buildInputs, storeKey } from './build-key.js';
import { buildLog } from './build-log.js';
import { captureDisk, createInstallDisk } from './capture.js';
import { BOOT_FACT_TOOLS } from '../image/boot-firmware.js';
import { firmwareSpec, requireFirmware } from '../testing/guest-firmware.js';
import { GuestUrlMap, isLoopbackUrl } from './guest-urls.js';
import { startGuestServer, type Route } from './guest-server.js';
import { installGuest } from './install-guest.js';
import type { ResolvedInstall } from './install-request.js';
import { payloadIdentity } from './payload-identity.js';
import type { JobResources } from './resources.js';

export interface BuildBaseResult {
  base: BaseImage;
  storeHit: boolean;
  /** The build's id (names its log directory); for a store hit, the original build's. */
  buildId: string;
}

function newBuildId(key: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${shortId(key)}`;
}

export interface BuildHooks {
  /** Called with the build's log directory as soon as it exists (a caller may copy it when the build ends). */
  onLogDir?(dir: string): void;
}

export async function buildBaseImage(r: ResolvedInstall, res: JobResources, hooks: BuildHooks = {}): Promise<BuildBaseResult> {
  const { ctx } = res;
  const { driver, spec } = r;
  const timings: Timings = [];
  await requireTools(['qemu-img', r.arch === 'i686' ? 'qemu-system-i386' : 'qemu-system-x86_64', ...BOOT_FACT_TOOLS], `an ${r.arch} install`);
  await requireFirmware(r.firmware, r.arch, `an install under ${r.firmware === 'uefi' ? 'UEFI' : 'BIOS'}`);
  const store = await res.store();
  const answer = driver.answerFile(spec);
  // resolveInstall already reported the spec's own warnings.
  for (const w of answer.warnings) ctx.emit({ type: 'message', level: 'warn', code: 'KICKSTART_CHANGED', text: w });

  const tree = parseTreeLocation(r.tree, ctx.cwd);
  const media = await phase('media', ctx.emit, () => driver.media({ tree, arch: r.arch, cacheDir: mediaCacheDir(ctx.env), emit: ctx.emit, signal: ctx.signal }), { timings });
  const payload = answer.payload ? await payloadIdentity(answer.payload.url, answer.payload.checksum, ctx.emit, ctx.signal) : undefined;
  const inputs = buildInputs({ kickstartText: answer.keyText, media, payload, arch: r.arch, firmware: r.firmware, diskSizeBytes: r.diskSizeBytes, driver: driver.name });
  const id = storeKey(inputs);
  const hit = await store.find(id);
  if (hit) {
    ctx.emit({ type: 'phase', phase: 'install', state: 'skip', detail: `store hit ${shortId(id)}: same inputs, no guest started` });
    return { base: hit, storeHit: true, buildId: hit.record.logDir.split('/').pop() ?? shortId(id) };
  }

  const buildId = newBuildId(id);
  const logDir = store.logDir(buildId);
  await mkdir(logDir, { recursive: true });
  hooks.onLogDir?.(logDir);
  const log = await buildLog(join(logDir, 'build.jsonl'), ctx.emit);
  const emit = log.emit;
  emit({ type: 'message', level: 'info', text: `build ${buildId}: logs in ${logDir}` });
  try {
    return await res.cleanup.scope(`install ${buildId}`, emit, async (cleanup) => {
      const work = join(store.tmpDir, buildId);
      await mkdir(work, { recursive: true });
      cleanup.push(`work directory ${work}`, () => rmrf(work));

      const plan = driver.plan(media, answer);
      if (plan.warning) emit({ type: 'message', level: 'warn', code: 'QUIRKS_GUESSED', text: plan.warning });

      const urls = new GuestUrlMap();
      answer.registerUrls({ register: (u) => void urls.register(u), rewrite: (u) => u });
      if (tree.kind === 'url') urls.register(tree.location);
      const routes: Route[] = [...urls.routes, ...(tree.kind === 'dir' ? [{ prefix: '/tree/', dir: tree.location }] : [])];
      const server = await startGuestServer(routes, emit);
      cleanup.push('guest HTTP server', () => server.close());
      const guestUrls: GuestUrls = { register: () => {}, rewrite: (u) => urls.rewrite(u, server.guestBase) };
      const repoUrl = tree.kind === 'dir' ? `${server.guestBase}/tree/` : isLoopbackUrl(tree.location) ? guestUrls.rewrite(tree.location) : tree.location;
      const booted = answer.forGuest(guestUrls);
      await writeFile(join(logDir, 'kickstart.cfg'), booted.redactedText);

      const initrd = join(work, 'initrd.img');
      await writeFile(initrd, await driver.initrd(media, booted.text));
      const disk = join(work, 'disk.qcow2');
      await createInstallDisk(disk, r.diskSizeBytes, ctx.signal);

      // UEFI: the guest's own variable store, made by libvirt from the firmware's template.
      const nvram = join(work, 'nvram.fd');
      if (r.firmware !== 'bios') cleanup.push(`UEFI variable store ${nvram}`, () => rm(nvram, { force: true }));

      const accel = await res.accelerator();
      const logs = { console: join(logDir, 'console.log'), installer: join(logDir, 'installer.log'), report: join(logDir, 'report.log') };
      const domain: DomainSpec = {
        name: `kiln-${shortId(id)}-${randomBytes(3).toString('hex')}`,
        type: accel.domainType,
        arch: r.arch,
        memoryMiB: r.memoryMiB,
        vcpus: r.vcpus,
        firmware: firmwareSpec(r.firmware, nvram),
        boot: { kernel: media.kernel.path, initrd, cmdline: plan.cmdline({ repoUrl, extra: spec.kernelParams }) },
        disks: [{ path: disk, format: 'qcow2', discard: 'unmap', cache: 'unsafe' }],
        network: { model: 'virtio' },
        serialLog: logs.console,
        channels: [
          { name: driver.logChannel, path: logs.installer },
          { name: driver.reportChannel, path: logs.report },
        ],
        rng: true,
      };
      await writeFile(join(logDir, 'domain.xml'), buildDomainXml(domain));
      const hypervisor = await res.hypervisor();

      try {
        const guest = await phase(
          'install',
          emit,
          () =>
            installGuest({
              hypervisor,
              spec: domain,
              logs,
              monitor: { stallTimeoutS: r.stallTimeoutS, timeoutS: r.timeoutS, ...plan.monitoring },
              servedBytes: () => server.bytesSent(),
              emit,
              signal: ctx.signal,
              cleanup,
            }),
          { timings },
        );
        const base = await phase(
          'capture',
          emit,
          () =>
            captureDisk({
              store, id, disk, spec, driver, arch: r.arch, inputs, accel: accel.accel, timings, reportLines: guest.reportLines, logDir,
              tree: tree.location, family: media.family, release: media.release, firmware: r.firmware, emit,
            }),
          { timings },
        );
        emit({ type: 'guest', state: 'captured', domain: domain.name, detail: `base image ${shortId(base.id)}` });
        return { base, storeHit: false, buildId };
      } catch (error) {
        if (!r.keepFailed || !isKilnError(error)) throw error;
        const kept = join(logDir, 'disk.qcow2');
        await rename(disk, kept).catch(() => {});
        throw new KilnError(error.code, error.message, {
          cause: error.cause,
          fault: error.fault,
          details: error.details,
          source: error.source,
          hint: `${error.hint ? `${error.hint} ` : ''}The failed disk is kept at ${kept} (--keep-failed).`,
        });
      }
    });
  } finally {
    await log.close();
  }
}
