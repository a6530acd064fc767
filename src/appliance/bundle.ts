/**
 * An appliance bundle unpacked and read: the tarball kiln's appliance target writes (a plain tar
 * of qcow2 disks, or a sparse tar.xz of raw ones) holding one directory with the virt-image style
 * descriptor and the disks it names. What a boot test (and a deployment) needs from it: the arch
 * and each disk's file, use (system, data, scratch), format and guest device, in boot order.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, dirname, basename } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { KilnError } from '../core/errors.js';
import { run } from '../core/run.js';
import type { Arch } from '../core/arch.js';

export interface BundleDisk {
  path: string;
  use: 'system' | 'data' | 'scratch';
  format: 'qcow2' | 'raw';
  target: string;
}

export interface ApplianceBundle {
  descriptor: string;
  name: string;
  arch: Arch;
  disks: BundleDisk[];
  /** The firmwares its boot entries name, in their order (an entry naming none is bios). */
  firmware: ('bios' | 'uefi')[];
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function invalid(file: string, message: string): KilnError {
  return new KilnError('APPLIANCE_INVALID', `${file}: ${message}`, { fault: 'user', source: { file } });
}

/** Reads a descriptor; disks are resolved beside it. */
export async function readDescriptor(path: string): Promise<ApplianceBundle> {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  const doc = parser.parse(await readFile(path, 'utf8')) as { image?: Record<string, unknown> };
  const image = doc.image;
  if (!image) throw invalid(path, 'no <image> element');
  const boots = asArray((image.domain as { boot?: unknown } | undefined)?.boot) as { guest?: { arch?: string }; drive?: unknown; os?: { loader?: { '@_firmware'?: string } } }[];
  const boot = boots[0];
  const firmware = [...new Set(boots.map((b) => (b.os?.loader?.['@_firmware'] === 'efi' ? 'uefi' : 'bios') as 'bios' | 'uefi'))];
  const arch = boot?.guest?.arch;
  if (arch !== 'x86_64' && arch !== 'i686') throw invalid(path, `domain/boot/guest/arch is ${arch ?? 'missing'}; kiln runs x86_64 and i686 appliances`);
  const storage = asArray((image.storage as { disk?: unknown } | undefined)?.disk) as Record<string, string>[];
  const byFile = new Map(storage.map((d) => [d['@_file'], d]));
  const drives = asArray(boot?.drive) as Record<string, string>[];
  const disks = drives.map((drive) => {
    const file = drive['@_disk'] ?? '';
    const disk = byFile.get(file);
    if (!disk) throw invalid(path, `domain/boot/drive names ${file}, which storage/disk does not list`);
    const use = disk['@_use'] ?? 'system';
    const format = disk['@_format'] ?? 'raw';
    if (use !== 'system' && use !== 'data' && use !== 'scratch') throw invalid(path, `storage/disk ${file}: unknown use '${use}'`);
    if (format !== 'qcow2' && format !== 'raw') throw invalid(path, `storage/disk ${file}: kiln boots qcow2 and raw disks, not ${format}`);
    return { path: join(dirname(path), file), use, format, target: drive['@_target'] ?? '' } satisfies BundleDisk;
  });
  if (!disks.some((d) => d.use === 'system')) throw invalid(path, 'no system disk in domain/boot/drive');
  return { descriptor: path, name: String(image.name ?? basename(path, '.xml')), arch, disks, firmware };
}

/** Unpacks `bundle` into `dir` (GNU tar restores sparse raw disks) and reads its descriptor. */
export async function unpackBundle(bundle: string, dir: string, signal?: AbortSignal): Promise<ApplianceBundle> {
  await run('tar', [bundle.endsWith('.xz') ? '-xJSf' : '-xSf', bundle, '-C', dir], { timeoutMs: 3600_000, signal });
  const [top] = await readdir(dir);
  const descriptor = top ? (await readdir(join(dir, top))).find((f) => f.endsWith('.xml')) : undefined;
  if (!top || !descriptor) throw invalid(bundle, 'no descriptor (<name>/<name>.xml) in the bundle');
  return readDescriptor(join(dir, top, descriptor));
}
