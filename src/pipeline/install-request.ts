/**
 * An install request (what `kiln build` or a drop's image asks for) resolved into everything the
 * install stage needs, before any guest starts: the validated image spec, the installer driver for
 * its family, the arch, tree and disk size with their defaults applied only where neither the user
 * nor the spec said anything.
 */
import { usageError } from '../core/errors.js';
import type { Emit } from '../core/events.js';
import { parseSize } from '../core/units.js';
import { pickInstaller, type InstallerDriver } from '../installers/index.js';
import type { Arch } from '../core/arch.js';
import { resolveImageSpec, type ImageSpec } from '../template/image-spec.js';

export const INSTALL_DEFAULTS = { arch: 'x86_64' as Arch, diskSize: '10G', memoryMiB: 2048, vcpus: 2, stallTimeoutS: 300, timeoutS: 3 * 3600 };

export interface InstallRequest {
  /** A kickstart or TDL file, told apart by content. */
  file?: string;
  /** A kickstart (merged over a TDL or template when one is given; it wins). */
  kickstart?: string;
  template?: string;
  release?: string;
  syntax?: string;
  variables?: Record<string, string>;
  /** Given by the user: wins over the spec; absent: the spec's, else the default. */
  arch?: string;
  tree?: string;
  diskSize?: string;
  name?: string;
  version?: string;
  memoryMiB?: number;
  vcpus?: number;
  stallTimeoutS?: number;
  timeoutS?: number;
  keepFailed?: boolean;
  /** The firmware the installer boots under; absent: what the template asks, else bios. */
  firmware?: 'bios' | 'uefi';
}

export interface ResolvedInstall {
  spec: ImageSpec;
  driver: InstallerDriver;
  arch: Arch;
  tree: string;
  firmware: 'bios' | 'uefi';
  diskSizeBytes: number;
  memoryMiB: number;
  vcpus: number;
  stallTimeoutS: number;
  timeoutS: number;
  keepFailed: boolean;
}

export async function resolveInstall(request: InstallRequest, o: { cwd: string; emit: Emit }): Promise<ResolvedInstall> {
  const spec = await resolveImageSpec({
    file: request.file,
    kickstart: request.kickstart,
    template: request.template,
    release: request.release,
    syntax: request.syntax,
    arch: request.arch,
    tree: request.tree,
    diskSize: request.diskSize,
    variables: request.variables ?? {},
    cwd: o.cwd,
    emit: o.emit,
  });
  const driver = pickInstaller(spec);
  if (!spec.tree) throw usageError('no install tree: give --tree URL|DIR', 'The tree holds .treeinfo and images/pxeboot/{vmlinuz,initrd.img}.');
  if (request.name) spec.name = request.name;
  if (request.version) spec.version = request.version;
  const arch = spec.arch ?? INSTALL_DEFAULTS.arch;
  const firmware = request.firmware ?? spec.firmware ?? 'bios';
  if (firmware !== 'bios' && arch !== 'x86_64') {
    throw usageError(`--firmware ${firmware}: ${arch} installs boot with BIOS only`, 'kiln starts 32-bit guests with SeaBIOS; leave --firmware out, or give bios.');
  }
  return {
    spec,
    driver,
    arch,
    tree: spec.tree,
    firmware,
    diskSizeBytes: spec.diskSizeBytes ?? parseSize(INSTALL_DEFAULTS.diskSize),
    memoryMiB: request.memoryMiB ?? INSTALL_DEFAULTS.memoryMiB,
    vcpus: request.vcpus ?? INSTALL_DEFAULTS.vcpus,
    stallTimeoutS: request.stallTimeoutS ?? INSTALL_DEFAULTS.stallTimeoutS,
    timeoutS: request.timeoutS ?? INSTALL_DEFAULTS.timeoutS,
    keepFailed: request.keepFailed ?? false,
  };
}
