/**
 * An appliance as the user gives it — a bundle (tar, tar.xz) or a bare descriptor with its files
 * beside it — opened without unpacking: the descriptor read and checked, and every file a boot
 * descriptor needs found (system disks, kernels; data and scratch disks either shipped or sized
 * so they can be made empty), with its size, so space can be checked before anything is written.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import { descriptorMember, extractBundle, listBundle, bundleKind, type BundleKind } from './bundle.js';
import type { ApplianceDescriptor, BootDescriptor, StorageDisk } from './descriptor.js';
import { readDescriptorFile } from './read-descriptor.js';

export interface OpenedAppliance {
  /** The path the user gave. */
  source: string;
  kind: BundleKind;
  descriptor: ApplianceDescriptor;
  /** How messages name the descriptor: its path, or `bundle:member`. */
  shownAs: string;
  /** For a tar: the descriptor's directory inside it ('' at the top). */
  memberDir: string;
  /** Relative file name → size in bytes, for every file of the bundle beside the descriptor. */
  files: Map<string, number>;
}

/** Opens the appliance; `scratch` is a directory for the descriptor taken out of a tar (removed by the caller). */
export async function openAppliance(path: string, scratch: string, signal?: AbortSignal): Promise<OpenedAppliance> {
  const source = resolve(path);
  const info = await stat(source).catch(() => undefined);
  if (!info?.isFile()) throw new KilnError('APPLIANCE_NOT_FOUND', `${path}: no such appliance bundle or descriptor`, { fault: 'user', hint: 'Give an appliance bundle (.appliance.tar, .tar.xz) or its descriptor (.xml).' });
  const kind = bundleKind(source);
  if (kind === 'descriptor') {
    const descriptor = await readDescriptorFile(source, signal);
    const files = new Map<string, number>();
    for (const f of neededFiles(descriptor)) {
      const s = await stat(join(descriptor.dir, f)).catch(() => undefined);
      if (s?.isFile()) files.set(f, s.size);
    }
    return { source, kind, descriptor, shownAs: source, memberDir: descriptor.dir, files };
  }
  const members = await listBundle(source, signal);
  const member = descriptorMember(members, source);
  const dir = await mkdtemp(join(scratch, 'descriptor-'));
  await extractBundle(source, dir, [member], signal);
  const shownAs = `${basename(source)}:${member}`;
  const descriptor = await readDescriptorFile(join(dir, member), signal, shownAs);
  const memberDir = member.includes('/') ? member.slice(0, member.lastIndexOf('/')) : '';
  const files = new Map<string, number>();
  for (const m of members) {
    if (m.type !== 'file') continue;
    const rel = memberDir ? (m.path.startsWith(`${memberDir}/`) ? m.path.slice(memberDir.length + 1) : undefined) : m.path;
    if (rel !== undefined) files.set(rel, m.size);
  }
  await rm(dir, { recursive: true, force: true });
  return { source, kind, descriptor: { ...descriptor, file: source, dir: source }, shownAs, memberDir, files };
}

/** Every file any boot descriptor may use: disks and kernels. */
function neededFiles(d: ApplianceDescriptor): string[] {
  const out = new Set(d.disks.map((x) => x.file));
  for (const b of d.boots) if (b.os.kind === 'kernel') [b.os.kernel, b.os.initrd].forEach((f) => f && out.add(f));
  return [...out];
}

function missing(opened: OpenedAppliance, what: string, file: string, line: number): KilnError {
  const where = opened.kind === 'tar' ? `the bundle ${basename(opened.source)}` : opened.descriptor.dir;
  return new KilnError('APPLIANCE_FILE_MISSING', `${opened.shownAs}:${line}: ${what} '${file}' is not in ${where}`, {
    fault: 'user',
    source: { file: opened.shownAs, line },
    hint: 'A bundle holds every system disk (and kernel) its descriptor names; data and scratch disks it does not hold need a size to be made empty.',
  });
}

/** The disks of one boot descriptor with how each is had: from the bundle (size known) or made empty (size from the descriptor). */
export function plannedDisks(opened: OpenedAppliance, boot: BootDescriptor): { disk: StorageDisk; target: string; shippedBytes?: number }[] {
  const out = boot.drives.map(({ disk, target }) => {
    const size = opened.files.get(disk.file);
    if (size === undefined) {
      if (disk.use === 'system') throw missing(opened, 'system disk', disk.file, disk.line);
      if (disk.sizeMiB === undefined) throw missing(opened, `${disk.use} disk without a size`, disk.file, disk.line);
    }
    return { disk, target, shippedBytes: size };
  });
  if (boot.os.kind === 'kernel') {
    for (const f of [boot.os.kernel, boot.os.initrd]) if (f && !opened.files.has(f)) throw missing(opened, 'kernel or initrd', f, boot.line);
  }
  return out;
}
