/** kiln test --firmware: a list of the three ways, each once, and the request that carries it; --vcpus. */
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

  it('--vcpus: 2 unless given, a whole number from 1', async () => {
    expect((await testRequest({}, ['a.qcow2'])).vcpus).toBe(2);
    expect((await testRequest({ vcpus: '1' }, ['a.qcow2'])).vcpus).toBe(1);
    for (const bad of ['0', '1.5', 'two']) {
      await expect(testRequest({ vcpus: bad }, ['a.qcow2'])).rejects.toMatchObject({ code: 'USAGE', message: `--vcpus ${bad}: expected a whole number from 1 to 64` });
    }
  });
});
