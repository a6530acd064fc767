/**
 * An appliance descriptor read into data: virt-image's format (virt-image(5)) as virt-image read
 * it, and everything kiln writes. The schema (schema.ts) has already said the document is well
 * formed; this adds what a grammar cannot say — every drive names a disk in the storage, no id
 * or target is used twice, checksums have their type's length — and applies virt-image's
 * defaults: a disk without `use` is a system disk, without `format` a raw one, a disk's id is its
 * file; `user` disks are data disks; drives without a target get the next free device name.
 * Every error names the element and its line.
 */
import { dirname } from 'node:path';
import { KilnError } from '../core/errors.js';
import { parseXml, type XmlElement } from '../template/tdl/xml.js';

export type DiskUse = 'system' | 'data' | 'scratch';
export type DiskFormat = 'raw' | 'qcow2' | 'qcow' | 'vmdk' | 'vdi' | 'iso';
export type ChecksumType = 'sha256' | 'sha1' | 'md5';
export type Feature = 'pae' | 'acpi' | 'apic';

export interface StorageDisk {
  /** What drives refer to (virt-image: the id attribute, else the file name). */
  id: string;
  /** Relative to the descriptor. */
  file: string;
  use: DiskUse;
  format: DiskFormat;
  sizeMiB?: number;
  checksums: Partial<Record<ChecksumType, string>>;
  line: number;
}

export type OsBoot =
  | { kind: 'loader'; dev: 'hd' | 'cdrom'; firmware: 'bios' | 'efi' }
  | { kind: 'pygrub' }
  | { kind: 'kernel'; kernel: string; initrd?: string; cmdline?: string };

export interface Drive {
  disk: StorageDisk;
  /** The guest device name (given, or assigned). */
  target: string;
}

export interface BootDescriptor {
  /** 1-based position among the boot descriptors (as `check` names them). */
  index: number;
  line: number;
  type: 'hvm' | 'xen';
  arch: string;
  /** Only the features the descriptor names; the rest are left to the host's defaults. */
  features: Partial<Record<Feature, 'on' | 'off'>>;
  os: OsBoot;
  drives: Drive[];
}

export interface Devices {
  vcpus: number;
  memoryKiB?: number;
  interfaces: { model?: 'virtio' | 'e1000' }[];
  graphics?: 'vnc' | 'spice' | 'sdl';
  console?: 'serial' | 'virtio';
}

export interface ApplianceDescriptor {
  /** The descriptor's path; disk files are relative to its directory. */
  file: string;
  dir: string;
  name: string;
  version?: string;
  release?: string;
  label?: string;
  description?: string;
  boots: BootDescriptor[];
  devices: Devices;
  disks: StorageDisk[];
}

const HEX_LENGTH: Record<ChecksumType, number> = { sha256: 64, sha1: 40, md5: 32 };

function invalid(file: string, el: { name: string; line: number }, where: string, message: string): KilnError {
  return new KilnError('APPLIANCE_DESCRIPTOR_INVALID', `${file}:${el.line}: <${el.name}> (${where}): ${message}`, {
    fault: 'user',
    source: { file, line: el.line },
    hint: "Fix the descriptor; virt-image's format is described in virt-image(5).",
  });
}

const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);
const children = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);
const text = (el: XmlElement | undefined) => el?.text.trim() || undefined;

/** i386…i686 are one arch to libvirt's capabilities (virt-image normalised them the same way). */
export function normalizeArch(arch: string): string {
  return /^i[3-6]86$/.test(arch) ? 'i686' : arch === 'amd64' ? 'x86_64' : arch;
}

function readDisk(file: string, el: XmlElement): StorageDisk {
  const use = el.attrs.use ?? 'system';
  if (!['system', 'data', 'user', 'scratch'].includes(use)) throw invalid(file, el, 'storage/disk', `unknown use '${use}': a disk is system, data (virt-image: user) or scratch`);
  const checksums: StorageDisk['checksums'] = {};
  for (const c of children(el, 'checksum')) {
    const type = c.attrs.type as ChecksumType;
    const value = c.text.trim().toLowerCase();
    if (!(type in HEX_LENGTH)) throw invalid(file, c, 'storage/disk/checksum', `unknown checksum type '${String(type)}'`);
    if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[type]}}$`).test(value)) throw invalid(file, c, 'storage/disk/checksum', `a ${type} checksum is ${HEX_LENGTH[type]} hex digits, not '${value}'`);
    checksums[type] = value;
  }
  const size = el.attrs.size === undefined ? undefined : Number(el.attrs.size);
  return {
    id: el.attrs.id ?? el.attrs.file!,
    file: el.attrs.file!,
    use: use === 'user' ? 'data' : (use as DiskUse),
    format: (el.attrs.format ?? 'raw') as DiskFormat,
    sizeMiB: size,
    checksums,
    line: el.line,
  };
}

function readOs(file: string, os: XmlElement, type: 'hvm' | 'xen'): OsBoot {
  const loader = child(os, 'loader');
  const kernel = text(child(os, 'kernel'));
  if (kernel) return { kind: 'kernel', kernel, initrd: text(child(os, 'initrd')), cmdline: text(child(os, 'cmdline')) };
  if (loader && loader.attrs.dev) return { kind: 'loader', dev: loader.attrs.dev as 'hd' | 'cdrom', firmware: (loader.attrs.firmware ?? 'bios') as 'bios' | 'efi' };
  if (loader && text(loader) === 'pygrub') return { kind: 'pygrub' };
  throw invalid(file, os, `boot type ${type}`, 'needs <loader dev="hd|cdrom"/>, <loader>pygrub</loader> or <kernel>');
}

/** Assigns device names to drives without one: the prefix of the boot's other drives (vd by default; hd for ISO images), the next free letter. */
function assignTargets(file: string, boot: XmlElement, drives: { disk: StorageDisk; target?: string; el: XmlElement }[]): Drive[] {
  const used = new Set<string>();
  for (const d of drives) {
    if (!d.target) continue;
    if (used.has(d.target)) throw invalid(file, d.el, 'domain/boot/drive', `target ${d.target} is used twice in this boot descriptor`);
    used.add(d.target);
  }
  const given = drives.find((d) => d.target)?.target?.replace(/[a-z]$/, '');
  return drives.map((d) => {
    if (d.target) return { disk: d.disk, target: d.target };
    const prefix = d.disk.format === 'iso' ? 'hd' : given && given !== 'xvd' ? given : 'vd';
    for (let i = 0; i < 26; i++) {
      const target = `${prefix}${String.fromCharCode(97 + i)}`;
      if (!used.has(target)) {
        used.add(target);
        return { disk: d.disk, target };
      }
    }
    throw invalid(file, boot, 'domain/boot', 'more drives than device names');
  });
}

function readBoot(file: string, el: XmlElement, index: number, disks: Map<string, StorageDisk>): BootDescriptor {
  const type = el.attrs.type as 'hvm' | 'xen';
  const guest = child(el, 'guest')!;
  const features: BootDescriptor['features'] = {};
  for (const f of child(guest, 'features')?.children ?? []) features[f.name as Feature] = (f.attrs.state ?? 'on') as 'on' | 'off';
  const seen = new Set<string>();
  const drives = children(el, 'drive').map((d) => {
    const disk = disks.get(d.attrs.disk!);
    if (!disk) throw invalid(file, d, `domain/boot[${index}]/drive`, `disk '${d.attrs.disk}' is not one of the storage's disks (${[...disks.keys()].join(', ')})`);
    if (seen.has(disk.id)) throw invalid(file, d, `domain/boot[${index}]/drive`, `disk '${disk.id}' is mapped twice`);
    seen.add(disk.id);
    return { disk, target: d.attrs.target, el: d };
  });
  return { index, line: el.line, type, arch: normalizeArch(text(child(guest, 'arch')) ?? ''), features, os: readOs(file, child(el, 'os')!, type), drives: assignTargets(file, el, drives) };
}

/** Reads a descriptor that passed the schema (checkSchema) into data; `file` names it in errors. */
export function parseDescriptor(xml: string, file: string): ApplianceDescriptor {
  const parsed = parseXml(xml);
  if ('error' in parsed) {
    throw new KilnError('APPLIANCE_DESCRIPTOR_INVALID', `${file}:${parsed.error.line}: not well-formed XML: ${parsed.error.message}`, { fault: 'user', source: { file, line: parsed.error.line } });
  }
  const image = parsed.root;
  if (image.name !== 'image') throw invalid(file, image, 'root', 'an appliance descriptor is an <image> element');
  const disks = new Map<string, StorageDisk>();
  const files = new Map<string, StorageDisk>();
  for (const el of children(child(image, 'storage')!, 'disk')) {
    const disk = readDisk(file, el);
    const twice = disks.get(disk.id);
    if (twice) throw invalid(file, el, 'storage/disk', `id '${disk.id}' is used twice (also line ${twice.line})`);
    const sameFile = files.get(disk.file);
    if (sameFile) throw invalid(file, el, 'storage/disk', `file '${disk.file}' is listed twice (also line ${sameFile.line})`);
    disks.set(disk.id, disk);
    files.set(disk.file, disk);
  }
  const domain = child(image, 'domain')!;
  const devices = child(domain, 'devices')!;
  const name = child(image, 'name')!;
  return {
    file,
    dir: dirname(file),
    name: name.text.trim(),
    version: name.attrs.version,
    release: name.attrs.release,
    label: text(child(image, 'label')),
    description: text(child(image, 'description')),
    boots: children(domain, 'boot').map((b, i) => readBoot(file, b, i + 1, disks)),
    devices: {
      vcpus: Number(text(child(devices, 'vcpu')) ?? 1),
      memoryKiB: text(child(devices, 'memory')) === undefined ? undefined : Number(text(child(devices, 'memory'))),
      interfaces: children(devices, 'interface').map((i) => ({ model: i.attrs.model as 'virtio' | 'e1000' | undefined })),
      graphics: child(devices, 'graphics') ? ((child(devices, 'graphics')!.attrs.type ?? 'vnc') as Devices['graphics']) : undefined,
      console: child(devices, 'console')?.attrs.type as Devices['console'],
    },
    disks: [...disks.values()],
  };
}
