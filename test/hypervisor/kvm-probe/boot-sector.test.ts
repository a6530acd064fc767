import { describe, expect, it } from 'vitest';
import { bootProbe, emulatorFor } from '../../../hypervisor/index.js';
import { PROBE_EXIT_STATUS, PROBE_MARKER, bootSector } from '../../../hypervisor/kvm-probe/boot-sector.js';
import { runner } from '../helpers/runner.js';

describe('bootSector', () => {
  it('is one 512-byte sector with the boot signature and the marker after the code', () => {
    const sector = bootSector();
    expect(sector.length).toBe(512);
    expect([sector[510], sector[511]]).toEqual([0x55, 0xaa]);
    expect(sector.subarray(0x1a, 0x1a + PROBE_MARKER.length).toString('latin1')).toBe(PROBE_MARKER);
    expect(PROBE_EXIT_STATUS).toBe(33);
  });
});

describe('bootProbe under TCG (really runs QEMU)', () => {
  it.each(['x86_64', 'i686'] as const)('boots the sector with the %s emulator', async (arch) => {
    const outcome = await bootProbe(runner, emulatorFor(arch), 'tcg', 30_000);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.detail).toMatch(/^the probe guest ran in/);
  });

  it.each([
    ['a program that is not QEMU', '/bin/false', /exited with status 1/],
    ['a program that does not exist', '/nonexistent/qemu-system-x86_64', /cannot run \/nonexistent\/qemu-system-x86_64/],
  ])('fails with %s', async (_what, emulator, detail) => {
    const outcome = await bootProbe(runner, emulator, 'tcg', 30_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(detail);
  });
});
