/**
 * findUefiFirmware reads QEMU's firmware descriptors as libvirt does: Debian ovmf's three (copied
 * in shape here), later directories replacing earlier files of the same name, an empty file
 * hiding one, descriptors whose firmware image is missing skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findUefiFirmware } from '../../../hypervisor/index.js';

let root: string;
let share: string;
let etc: string;
let code: string;

const descriptor = (executable: string, machines: string[], features: string[]) =>
  JSON.stringify({
    description: `OVMF ${features.join(' ')}`,
    'interface-types': ['uefi'],
    mapping: { device: 'flash', executable: { filename: executable, format: 'raw' }, 'nvram-template': { filename: '/x/VARS.fd', format: 'raw' } },
    targets: [{ architecture: 'x86_64', machines }],
    features,
  });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kiln-fw-'));
  share = join(root, 'share');
  etc = join(root, 'etc');
  code = join(root, 'OVMF_CODE_4M.fd');
  await mkdir(share);
  await mkdir(etc);
  await writeFile(code, 'firmware');
  await writeFile(join(share, '40-edk2-x86_64-secure-enrolled.json'), descriptor(code, ['pc-q35-*'], ['acpi-s3', 'enrolled-keys', 'requires-smm', 'secure-boot']));
  await writeFile(join(share, '50-edk2-x86_64-secure.json'), descriptor(code, ['pc-q35-*'], ['acpi-s3', 'requires-smm', 'secure-boot']));
  await writeFile(join(share, '60-edk2-x86_64.json'), descriptor(code, ['pc-i440fx-*', 'pc-q35-*'], ['acpi-s3']));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('findUefiFirmware', () => {
  it("finds Debian ovmf's plain build for i440FX and its Secure Boot build with enrolled keys for Q35", async () => {
    const found = await findUefiFirmware([share, etc]);
    expect(found.uefi?.file).toBe(join(share, '60-edk2-x86_64.json'));
    expect(found.secureBoot?.file).toBe(join(share, '40-edk2-x86_64-secure-enrolled.json'));
    expect(found.secureBoot?.features).toContain('enrolled-keys');
    expect(found.uefi?.nvramTemplate).toBe('/x/VARS.fd');
  });

  it('an empty file of the same name in a later directory hides a descriptor; one naming a missing image is skipped', async () => {
    await writeFile(join(etc, '40-edk2-x86_64-secure-enrolled.json'), '');
    await writeFile(join(etc, '60-edk2-x86_64.json'), descriptor(join(root, 'missing.fd'), ['pc-i440fx-*'], []));
    expect(await findUefiFirmware([share, etc])).toEqual({});
    await rm(join(etc, '40-edk2-x86_64-secure-enrolled.json'));
    await rm(join(etc, '60-edk2-x86_64.json'));
  });

  it('no descriptors: nothing found', async () => {
    expect(await findUefiFirmware([join(root, 'nowhere')])).toEqual({});
  });
});
