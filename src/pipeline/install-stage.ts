/**
 * The install stage: image spec → media → store key → (store hit: done) → guest server, derived
 * kickstart, initrd with the kickstart, empty disk → transient guest watched to power-off →
 * captured disk and build record committed to the store. Every resource is on the cleanup stack:
 * a failure or an interrupt leaves no domain, no temporary file and no store entry (the logs stay).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildDomainXml, openHypervisor, type DomainSpec } from '../../hypervisor/index.js';
import { KilnError, isKilnError } from '../core/errors.js';
import type { Emit } from '../core/events.js';
import { withCleanup } from '../core/cleanup.js';
import { mediaCacheDir } from '../core/paths.js';
import { rmrf } from '../core/fs.js';
import type { ImageSpec } from '../template/image-spec.js';
import { openStore, shortId, type BaseImage } from '../store/store.js';
import type { Arch } from '../store/record.js';
import { parseTreeLocation, prepareMedia } from '../installers/anaconda/media.js';
import { pickTreeQuirks } from '../installers/anaconda/quirks.js';
import { bootArgs, KICKSTART_IN_INITRD } from '../installers/anaconda/boot-args.js';
import { appendToInitrd } from '../installers/anaconda/cpio-newc.js';
import { ANACONDA_FAILURE_PATTERNS } from '../installers/anaconda/log-patterns.js';
import { MANIFEST_END, REPORT_CHANNEL } from '../installers/anaconda/manifest.js';
import { chooseAccelerator } from './accel.js';
import { buildInputs, storeKey } from './build-key.js';
import { captureDisk, createInstallDisk } from './capture.js';
import { GuestUrlMap, isLoopbackUrl } from './guest-urls.js';
import { startGuestServer, type Route } from './guest-server.js';
import { installGuest } from './install-guest.js';
import { prepareKickstart } from './kickstart-prep.js';
import { payloadIdentity } from './payload-identity.js';
import { phase, type Timings } from '../core/phase.js';
import { buildLog } from './build-log.js';

export const ANACONDA_LOG_CHANNEL = 'org.fedoraproject.anaconda.log.0';

export interface BuildBaseOptions {
  spec: ImageSpec;
  arch: Arch;
  tree: string;
  diskSizeBytes: number;
  memoryMiB: number;
  vcpus: number;
  storeDir: string;
  connect?: string;
  stallTimeoutS: number;
  timeoutS: number;
  keepFailed: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  emit: Emit;
  signal: AbortSignal;
}

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

export async function buildBaseImage(o: BuildBaseOptions): Promise<BuildBaseResult> {
  const timings: Timings = [];
  const store = openStore(o.storeDir);
  await store.init();
  const kickstart = prepareKickstart(o.spec);
  // resolveImageSpec already reported the spec's own warnings.
  for (const w of kickstart.warnings) o.emit({ type: 'message', level: 'warn', code: 'KICKSTART_CHANGED', text: w });

  const tree = parseTreeLocation(o.tree, o.cwd);
  const media = await phase('media', o.emit, () => prepareMedia({ tree, arch: o.arch, cacheDir: mediaCacheDir(o.env), emit: o.emit, signal: o.signal }), { timings });
  const payload = kickstart.liveimg ? await payloadIdentity(kickstart.liveimg.url, kickstart.liveimg.checksum, o.emit, o.signal) : undefined;
  const inputs = buildInputs({ kickstartText: kickstart.keyText, media, payload, arch: o.arch, diskSizeBytes: o.diskSizeBytes, driver: 'anaconda' });
  const id = storeKey(inputs);
  const hit = await store.find(id);
  if (hit) {
    o.emit({ type: 'phase', phase: 'install', state: 'skip', detail: `store hit ${shortId(id)}: same inputs, no guest started` });
    return { base: hit, storeHit: true, buildId: hit.record.logDir.split('/').pop() ?? shortId(id) };
  }

  const buildId = newBuildId(id);
  const logDir = store.logDir(buildId);
  await mkdir(logDir, { recursive: true });
  const log = await buildLog(join(logDir, 'build.jsonl'), o.emit);
  const emit = log.emit;
  emit({ type: 'message', level: 'info', text: `build ${buildId}: logs in ${logDir}` });
  try {
    return await withCleanup(emit, async (cleanup) => {
      const work = join(store.tmpDir, buildId);
      await mkdir(work, { recursive: true });
      cleanup.push(`work directory ${work}`, () => rmrf(work));

      const { quirks, warning } = pickTreeQuirks(media.treeInfo);
      if (warning) emit({ type: 'message', level: 'warn', code: 'QUIRKS_GUESSED', text: warning });

      const urls = new GuestUrlMap();
      kickstart.registerUrls(urls);
      if (tree.kind === 'url') urls.register(tree.location);
      const routes: Route[] = [...urls.routes, ...(tree.kind === 'dir' ? [{ prefix: '/tree/', dir: tree.location }] : [])];
      const server = await startGuestServer(routes, emit);
      cleanup.push('guest HTTP server', () => server.close());
      const repoUrl = tree.kind === 'dir' ? `${server.guestBase}/tree/` : isLoopbackUrl(tree.location) ? urls.rewrite(tree.location, server.guestBase) : tree.location;
      const booted = kickstart.forGuest(urls, server.guestBase);
      await writeFile(join(logDir, 'kickstart.cfg'), booted.redactedText);

      const initrd = join(work, 'initrd.img');
      await writeFile(initrd, await appendToInitrd(await readFile(media.initrd.path), [{ type: 'file', path: KICKSTART_IN_INITRD.slice(1), data: booted.text, mode: 0o600 }]));
      const disk = join(work, 'disk.qcow2');
      await createInstallDisk(disk, o.diskSizeBytes, o.signal);

      const probe = await chooseAccelerator(emit);
      const logs = { console: join(logDir, 'console.log'), installer: join(logDir, 'installer.log'), report: join(logDir, 'report.log') };
      const spec: DomainSpec = {
        name: `kiln-${shortId(id)}-${randomBytes(3).toString('hex')}`,
        type: probe.domainType,
        arch: o.arch,
        memoryMiB: o.memoryMiB,
        vcpus: o.vcpus,
        boot: { kernel: media.kernel.path, initrd, cmdline: bootArgs({ quirks, repoUrl, cmdlineMode: kickstart.cmdlineMode, extra: o.spec.kernelParams }) },
        disks: [{ path: disk, format: 'qcow2', discard: 'unmap', cache: 'unsafe' }],
        network: { model: 'virtio' },
        serialLog: logs.console,
        channels: [
          { name: ANACONDA_LOG_CHANNEL, path: logs.installer },
          { name: REPORT_CHANNEL, path: logs.report },
        ],
        rng: true,
      };
      await writeFile(join(logDir, 'domain.xml'), buildDomainXml(spec));

      const hypervisor = await openHypervisor({ uri: o.connect }).catch((error: unknown) => {
        throw new KilnError('HYPERVISOR_UNAVAILABLE', `cannot connect to libvirt${o.connect ? ` at ${o.connect}` : ''}: ${(error as Error).message}`, {
          cause: error,
          fault: 'external',
          hint: "Run 'kiln doctor'; scripts/setup-host.sh installs and starts libvirt.",
        });
      });
      cleanup.push('libvirt connection', () => hypervisor.close());

      try {
        const guest = await phase(
          'install',
          emit,
          () =>
            installGuest({
              hypervisor,
              spec,
              logs,
              monitor: {
                stallTimeoutS: o.stallTimeoutS,
                timeoutS: o.timeoutS,
                patterns: ANACONDA_FAILURE_PATTERNS,
                installerStartedOnConsole: quirks.virtioLog ? undefined : /anaconda/i,
                completionLine: MANIFEST_END,
              },
              servedBytes: () => server.bytesSent(),
              emit,
              signal: o.signal,
              cleanup,
            }),
          { timings },
        );
        const base = await phase(
          'capture',
          emit,
          () =>
            captureDisk({ store, id, disk, spec: o.spec, arch: o.arch, inputs, accel: probe.accel, timings, reportLines: guest.reportLines, logDir, tree: tree.location, family: media.treeInfo?.family, release: media.treeInfo?.version }),
          { timings },
        );
        emit({ type: 'guest', state: 'captured', domain: spec.name, detail: `base image ${shortId(base.id)}` });
        return { base, storeHit: false, buildId };
      } catch (error) {
        if (!o.keepFailed || !isKilnError(error)) throw error;
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
