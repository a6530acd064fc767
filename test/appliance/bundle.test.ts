/** readDescriptor: the firmwares an appliance's boot entries state (the golden descriptors the appliance target writes). */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { readDescriptor } from '../../src/appliance/bundle.js';

const golden = (name: string) => join(PROJECT_ROOT, 'test/targets/golden', name);

describe('readDescriptor firmware', () => {
  it.each([
    ['appliance-x86_64-hybrid.xml', ['bios', 'uefi']],
    ['appliance-x86_64.xml', ['bios']],
    ['appliance-i686-three-disks.xml', ['bios']],
  ])('%s: %j', async (file, firmware) => {
    expect((await readDescriptor(golden(file))).firmware).toEqual(firmware);
  });
});
