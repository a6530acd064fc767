/**
 * Reading descriptors: virt-image's format with its defaults (use system, format raw, id = file,
 * 'user' disks are data disks, drives without a target numbered after the others), kiln's own
 * descriptors, and errors that name the element and its line — from the schema (xmllint) and
 * from the checks a grammar cannot make.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDescriptor } from '../../src/appliance/descriptor.js';
import { checkSchema } from '../../src/appliance/schema.js';
import { readDescriptorFile } from '../../src/appliance/read-descriptor.js';
import { PROJECT_ROOT } from '../../src/core/version.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'appliance', 'fixtures', 'descriptors');
const fixture = (name: string) => join(FIXTURES, name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-descriptor-read-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function broken(name: string, edit: (xml: string) => string, from = 'calendar.xml'): Promise<string> {
  const original = await readFile(fixture(from), 'utf8');
  const xml = edit(original);
  expect(xml, 'the edit changed nothing').not.toBe(original);
  const file = join(dir, name);
  await writeFile(file, xml);
  return file;
}

describe('virt-image descriptors', () => {
  it("reads virt-image's format with its defaults", async () => {
    const d = await readDescriptorFile(fixture('calendar.xml'));
    expect(d).toMatchObject({ name: 'calendar', version: '1.0', release: '3', label: 'Calendar appliance' });
    expect(d.disks).toEqual([
      { id: 'app.img', file: 'app.img', use: 'system', format: 'raw', sizeMiB: undefined, checksums: {}, line: 44 },
      { id: 'db', file: 'data/db.qcow2', use: 'data', format: 'qcow2', sizeMiB: 2048, checksums: { sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' }, line: 45 },
      { id: 'tmp.img', file: 'tmp.img', use: 'scratch', format: 'raw', sizeMiB: 100, checksums: {}, line: 48 },
    ]);
    expect(d.devices).toEqual({ vcpus: 2, memoryKiB: 524288, interfaces: [{ model: undefined }, { model: undefined }], graphics: 'vnc', console: undefined });
    const [xen, hvm] = d.boots;
    expect(xen).toMatchObject({ index: 1, type: 'xen', arch: 'i686', features: { pae: 'on' }, os: { kind: 'pygrub' } });
    expect(xen!.drives.map((x) => x.target)).toEqual(['xvda', 'xvdb']);
    expect(hvm).toMatchObject({ index: 2, type: 'hvm', arch: 'i686', features: { pae: 'on', acpi: 'on', apic: 'on' }, os: { kind: 'loader', dev: 'hd', firmware: 'bios' } });
    // Drives without a target follow the others' prefix, skipping names already taken.
    expect(hvm!.drives.map((x) => [x.disk.id, x.target])).toEqual([['app.img', 'hda'], ['db', 'hdb'], ['tmp.img', 'hdc']]);
  });

  it('reads a kernel boot and an ISO booted from the cdrom (kiln’s firmware attribute)', async () => {
    const kernel = await readDescriptorFile(fixture('kernel-boot.xml'));
    expect(kernel.boots[0]!.os).toEqual({ kind: 'kernel', kernel: 'boot/vmlinuz', initrd: 'boot/initrd.img', cmdline: 'root=/dev/vda ro console=ttyS0' });
    expect(kernel.devices).toMatchObject({ vcpus: 1, interfaces: [{ model: 'e1000' }], console: 'serial' });
    const rescue = await readDescriptorFile(fixture('rescue-cdrom.xml'));
    expect(rescue.boots[0]).toMatchObject({ features: { acpi: 'off' }, os: { kind: 'loader', dev: 'cdrom', firmware: 'efi' } });
    expect(rescue.boots[0]!.drives.map((x) => x.target)).toEqual(['vda', 'hda']);
    expect(rescue.devices.vcpus).toBe(1);
  });

  it.each([
    ['appliance-x86_64.xml', ['bios']],
    ['appliance-i686-three-disks.xml', ['bios']],
    // One boot entry per firmware the system disk boots, each loader naming it.
    ['appliance-x86_64-hybrid.xml', ['bios', 'efi']],
    ['appliance-x86_64-uefi.xml', ['efi']],
  ])('reads kiln’s own descriptor %s: one boot entry per firmware %j', async (name, firmware) => {
    const d = await readDescriptorFile(join(PROJECT_ROOT, 'test', 'targets', 'golden', name));
    expect(d.boots.map((b) => (b.os.kind === 'loader' ? b.os.firmware : b.os.kind))).toEqual(firmware);
    expect(d.boots.every((b) => b.drives[0]!.disk.use === 'system')).toBe(true);
    expect(d.disks.filter((x) => x.use === 'system').every((x) => x.checksums.sha256?.length === 64)).toBe(true);
  });
});

describe('descriptor errors name the element and its line', () => {
  it.each([
    ['an unknown disk use', (x: string) => x.replace('use="scratch"', 'use="spare"'), /:48: <disk>: Invalid attribute use/],
    ['a boot type virt-image does not know', (x: string) => x.replace('boot type="hvm"', 'boot type="lxc"'), /:19: /],
    ['a disk format virt-image does not know', (x: string) => x.replace('format="qcow2"', 'format="vhdx"'), /:45: <disk>: Invalid attribute format/],
    ['a disk without a file', (x: string) => x.replace('<disk file="app.img"/>', '<disk use="system"/>'), /:44: <disk>/],
    ['a file path outside the bundle', (x: string) => x.replace('<disk file="app.img"/>', '<disk file="/etc/shadow"/>'), /:44: <disk>/],
    ['no boot descriptor', (x: string) => x.replace(/<boot type="xen">[\s\S]*?<\/boot>\s*<boot type="hvm">[\s\S]*?<\/boot>/, ''), /<domain>/],
  ])('the schema rejects %s', async (_what, edit, message) => {
    const file = await broken('schema.xml', edit);
    const error = await checkSchema(file).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'APPLIANCE_DESCRIPTOR_INVALID', source: { file } });
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['a drive naming a disk the storage lacks', (x: string) => x.replace('<drive disk="db"/>', '<drive disk="database"/>'), /:32: <drive> \(domain\/boot\[2\]\/drive\): disk 'database' is not one of the storage's disks \(app.img, db, tmp.img\)/],
    ['a disk id used twice', (x: string) => x.replace('<disk file="tmp.img"', '<disk id="db" file="tmp.img"'), /:48: <disk> \(storage\/disk\): id 'db' is used twice \(also line 45\)/],
    ['a target used twice', (x: string) => x.replace('<drive disk="db"/>', '<drive disk="db" target="hda"/>'), /:32: <drive> .*target hda is used twice/],
    ['a disk mapped twice', (x: string) => x.replace('<drive disk="tmp.img"/>', '<drive disk="db" target="hdd"/>'), /disk 'db' is mapped twice/],
    ['a checksum of the wrong length', (x: string) => x.replace('da39a3ee', 'da39'), /:46: <checksum> .*a sha1 checksum is 40 hex digits/],
  ])('kiln rejects %s', async (_what, edit, message) => {
    const file = await broken('semantic.xml', edit);
    await checkSchema(file); // the grammar allows it
    const error = await readDescriptorFile(file).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'APPLIANCE_DESCRIPTOR_INVALID', source: { file } });
    expect((error as Error).message).toMatch(message);
  });

  it('reports XML that is not well formed with its line', () => {
    expect(() => parseDescriptor('<image>\n<name>x</name>\n<domain>\n</image>', 'bad.xml')).toThrow(/bad\.xml:\d+: not well-formed XML/);
  });
});
