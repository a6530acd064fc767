/**
 * The install disk: created empty before the install, captured after the guest powered off — its
 * sizes read with qemu-img, which firmwares it boots read from the disk itself, the package
 * manifest parsed from kiln's report channel, and the disk moved (renamed, not copied) into the
 * store with its build record, JSON manifest and ICICLE.
 */
import { run } from '../core/run.js';
import { isKilnError, KilnError, toKilnError } from '../core/errors.js';
import { KILN_VERSION } from '../core/version.js';
import type { ImageSpec } from '../template/image-spec.js';
import type { Store, BaseImage } from '../store/store.js';
import type { BuildRecord, InputHash } from '../store/record.js';
import type { Arch } from '../core/arch.js';
import type { InstallerDriver } from '../installers/index.js';
import type { Timings } from '../core/phase.js';
import { warn, type Emit } from '../core/events.js';
import { describeFirmware, inspectBootFirmware } from '../image/boot-firmware.js';

export async function createInstallDisk(path: string, sizeBytes: number, signal?: AbortSignal): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'lazy_refcounts=on', path, String(sizeBytes)], { timeoutMs: 60_000, signal });
}

export interface QemuImgInfo {
  'virtual-size': number;
  'actual-size': number;
  format: string;
}

export async function imageInfo(path: string): Promise<QemuImgInfo> {
  // -U: no lock needed to read sizes (the disk is ours and no guest runs).
  const { stdout } = await run('qemu-img', ['info', '-U', '--output=json', path], { timeoutMs: 60_000 });
  return JSON.parse(stdout) as QemuImgInfo;
}

export interface CaptureInput {
  store: Store;
  id: string;
  disk: string;
  spec: ImageSpec;
  driver: InstallerDriver;
  arch: Arch;
  inputs: InputHash[];
  accel: 'kvm' | 'tcg';
  timings: Timings;
  reportLines: string[];
  logDir: string;
  tree: string;
  family?: string;
  release?: string;
  /** The firmware the installer booted under. */
  firmware: 'bios' | 'uefi';
  emit: Emit;
}

export async function captureDisk(c: CaptureInput): Promise<BaseImage> {
  const start = performance.now();
  // A clean image: refcounts settled after the lazy-refcount install, and checked.
  await run('qemu-img', ['check', '-q', '-r', 'leaks', c.disk], { timeoutMs: 300_000 }).catch((error: unknown) => {
    throw new KilnError('CAPTURE_FAILED', 'the installed disk is damaged (qemu-img check failed)', { cause: error, fault: 'external' });
  });
  const info = await imageInfo(c.disk);
  // A disk kiln cannot read this way is still a good install: its record then says nothing of firmware.
  const boot = await inspectBootFirmware({ image: c.disk, format: 'qcow2', virtualSize: info['virtual-size'], arch: c.arch, tmpDir: c.store.tmpDir }).catch((error: unknown) => {
    if (isKilnError(error) && error.code === 'BOOT_FACTS_FAILED') {
      warn(c.emit, `which firmwares boot the disk is not recorded: ${error.message} (${toKilnError(error.cause).message})`, 'BOOT_FACTS_FAILED');
      return undefined;
    }
    throw error;
  });
  if (boot) {
    c.emit({ type: 'message', level: 'info', text: `the disk boots under ${describeFirmware(boot)}: ${boot.evidence.join('; ')}` });
    if (boot.firmware.length === 0) warn(c.emit, `the installed disk has no boot loader any firmware would start (${boot.evidence.join('; ')})`, 'NO_BOOT_LOADER');
  }
  const packages = c.driver.packages(c.reportLines) ?? [];
  const record: BuildRecord = {
    id: c.id,
    name: c.spec.name,
    version: c.spec.version,
    arch: c.arch,
    createdAt: new Date().toISOString(),
    kilnVersion: KILN_VERSION,
    inputs: c.inputs,
    disk: { file: 'disk.qcow2', format: 'qcow2', virtualSize: info['virtual-size'], actualSize: info['actual-size'] },
    accelerator: c.accel,
    timings: [...c.timings, { phase: 'capture', ms: Math.round(performance.now() - start) }],
    packages,
    installer: { driver: c.driver.name, tree: c.tree, family: c.family, release: c.release, firmware: c.firmware },
    ...(boot ? { boot } : {}),
    logDir: c.logDir,
  };
  return c.store.commit({
    diskFile: c.disk,
    record,
    files: c.driver.storeFiles(packages, c.spec.description ?? `${c.spec.name}${c.spec.version ? ` ${c.spec.version}` : ''} ${c.arch}`),
  });
}
