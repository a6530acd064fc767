/** The openstack output's Glance properties follow the firmwares its disk boots. */
import { describe, expect, it } from 'vitest';
import { openstackProperties } from '../../../src/targets/openstack/index.js';

describe('openstackProperties', () => {
  it.each([
    [['uefi'], { hw_firmware_type: 'uefi' }],
    [['uefi', 'uefi-secure'], { hw_firmware_type: 'uefi' }],
    [['bios', 'uefi'], undefined],
    [['bios'], undefined],
    [[], undefined],
  ] as const)('a disk that boots %j: %j', (firmware, properties) => {
    expect(openstackProperties({ table: 'gpt', firmware: [...firmware], evidence: [] })).toEqual(properties);
  });

  it('a base captured before kiln read its firmwares: none', () => {
    expect(openstackProperties(undefined)).toBeUndefined();
  });
});
