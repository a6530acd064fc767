/** The store key: the firmware an install booted under is an input, BIOS (the default) leaves keys as they were. */
import { describe, expect, it } from 'vitest';
import type { InstallMedia } from '../../src/installers/index.js';
import { buildInputs, storeKey, type KeyInputs } from '../../src/pipeline/build-key.js';

const media = { identity: [{ name: 'treeinfo', sha256: 'a'.repeat(64) }] } as InstallMedia;
const inputs: KeyInputs = { kickstartText: 'autopart\n', media, arch: 'x86_64', diskSizeBytes: 4 * 2 ** 30, driver: 'anaconda' };

describe('buildInputs', () => {
  it('bios is not an input: a BIOS install keeps the key it had before kiln knew firmware', () => {
    expect(storeKey(buildInputs({ ...inputs, firmware: 'bios' }))).toBe(storeKey(buildInputs(inputs)));
    expect(buildInputs({ ...inputs, firmware: 'bios' }).map((i) => i.name)).not.toContain('firmware');
  });

  it('uefi is: the same kickstart installed under UEFI is another base image', () => {
    const uefi = buildInputs({ ...inputs, firmware: 'uefi' });
    expect(uefi).toContainEqual(expect.objectContaining({ name: 'firmware', detail: 'uefi' }));
    expect(storeKey(uefi)).not.toBe(storeKey(buildInputs(inputs)));
  });
});
