import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDescriptor, type DescriptorInput } from '../../../src/targets/appliance/descriptor.js';
import { validateDescriptor } from '../../../src/targets/appliance/validate.js';
import { expectGolden } from '../golden.js';

const SHA = 'a'.repeat(64);

const x86: DescriptorInput = {
  name: 'Fedora-Cloud-Base',
  version: '19',
  label: 'Fedora-Cloud-Base 19 (x86_64)',
  description: 'Made by kiln 0.1.0 from base image 0123.',
  arch: 'x86_64',
  vcpus: 1,
  memoryMiB: 1024,
  interfaces: 1,
  graphics: true,
  disks: [{ file: 'Fedora-Cloud-Base-19.x86_64-sda.qcow2', use: 'system', format: 'qcow2', sizeMiB: 6144, sha256: SHA }],
};

const i686: DescriptorInput = {
  ...x86,
  name: 'kronolith',
  version: '1.0',
  release: '2',
  label: 'kronolith & <friends> (i686)',
  description: undefined,
  arch: 'i686',
  vcpus: 2,
  memoryMiB: 512,
  graphics: false,
  disks: [
    { file: 'kronolith-1.0.i686-sdc.raw', use: 'scratch', format: 'raw', sizeMiB: 512 },
    { file: 'kronolith-1.0.i686-sda.raw', use: 'system', format: 'raw', sizeMiB: 5120, sha256: SHA },
    { file: 'kronolith-1.0.i686-sdb.raw', use: 'data', format: 'raw', sizeMiB: 5120, sha256: SHA },
  ],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-descriptor-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('appliance descriptor', () => {
  it.each([
    ['appliance-x86_64.xml', x86],
    ['appliance-x86_64-hybrid.xml', { ...x86, firmware: ['bios', 'uefi'] } as DescriptorInput],
    ['appliance-x86_64-uefi.xml', { ...x86, firmware: ['uefi'] } as DescriptorInput],
    ['appliance-i686-three-disks.xml', i686],
  ])('%s matches its golden file and validates against the shipped schema (xmllint)', async (name, input) => {
    const file = await expectGolden(name, renderDescriptor(input));
    await validateDescriptor(file);
  });

  it('puts system disks first and marks an i686 guest as needing PAE', () => {
    const xml = renderDescriptor(i686);
    expect(xml.indexOf('use="system"')).toBeLessThan(xml.indexOf('use="data"'));
    expect(xml.indexOf('use="data"')).toBeLessThan(xml.indexOf('use="scratch"'));
    expect(xml).toMatch(/<arch>i686<\/arch>\s*<features>\s*<pae\/>/);
    expect(xml).toContain('kronolith &amp; &lt;friends&gt; (i686)');
  });

  it('states the firmware per boot entry: one entry per firmware the system disk boots', () => {
    const entries = (xml: string) => [...xml.matchAll(/<loader dev="hd"( firmware="(\w+)")?\/>/g)].map((m) => m[2] ?? '-');
    expect(entries(renderDescriptor({ ...x86, firmware: ['bios', 'uefi'] }))).toEqual(['bios', 'efi']);
    expect(entries(renderDescriptor({ ...x86, firmware: ['uefi'] }))).toEqual(['efi']);
    expect(entries(renderDescriptor({ ...x86, firmware: [] }))).toEqual(['-']);
    expect(entries(renderDescriptor(x86))).toEqual(['-']);
  });

  it('refuses an appliance without a system disk', () => {
    expect(() => renderDescriptor({ ...x86, disks: [{ file: 'd.raw', use: 'data', format: 'raw', sizeMiB: 1 }] })).toThrow(/system disk/);
  });

  it.each([
    ['an i686 guest without pae', (x: string) => x.replace('<pae/>', '')],
    ["virt-image's 'user' disks (kiln says data)", (x: string) => x.replace('use="data"', 'use="user"')],
    ['a data disk before the system disk', (x: string) => x.replace(/(<disk file="[^"]*sda[^>]*>[\s\S]*?<\/disk>)\s*(<disk file="[^"]*sdb[^>]*>[\s\S]*?<\/disk>)/, '$2$1')],
    ['a disk without a format', (x: string) => x.replace(' format="raw"', '')],
    ['no boot entry', (x: string) => x.replace(/<boot[\s\S]*<\/boot>/, '')],
    ['a bad checksum', (x: string) => x.replace(SHA, 'xyz')],
    ['a firmware other than bios or efi', (x: string) => x.replace('<loader dev="hd"/>', '<loader dev="hd" firmware="coreboot"/>')],
  ])('validation rejects %s (the schema, or the subset kiln writes)', async (_name, edit) => {
    const xml = edit(renderDescriptor(i686));
    expect(xml).not.toBe(renderDescriptor(i686));
    const file = join(dir, 'bad.xml');
    await writeFile(file, xml);
    await expect(validateDescriptor(file)).rejects.toMatchObject({ code: 'TARGET_DESCRIPTOR_INVALID' });
  });
});
