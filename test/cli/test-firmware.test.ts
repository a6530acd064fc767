/** kiln test --firmware: a list of the three ways, each once, and the request that carries it. */
import { describe, expect, it } from 'vitest';
import { parseFirmwares, testRequest } from '../../src/cli/commands/test.js';

describe('kiln test --firmware', () => {
  it.each([
    ['bios', ['bios']],
    ['bios,uefi,uefi-secure', ['bios', 'uefi', 'uefi-secure']],
    ['uefi, bios,uefi', ['uefi', 'bios']],
  ])('%s', (value, expected) => {
    expect(parseFirmwares(value)).toEqual(expected);
  });

  it.each(['', 'efi', 'bios,secure'])('%j is a usage error', (value) => {
    expect(() => parseFirmwares(value)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('expected a comma-separated list of bios, uefi, uefi-secure') }));
  });

  it('absent: no list (each image boots the way its disk does)', async () => {
    expect((await testRequest({}, ['a.qcow2'])).firmware).toBeUndefined();
    expect((await testRequest({ firmware: 'uefi-secure' }, ['a.qcow2'])).firmware).toEqual(['uefi-secure']);
  });
});
