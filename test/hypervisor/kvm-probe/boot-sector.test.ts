import { describe, expect, it } from 'vitest';
import { bootProbe, emulatorFor } from '../../../hypervisor/index.js';
import { runner } from '../helpers/runner.js';

/**
 * The probe's boot sector, judged by running it: the probe is ok only when QEMU exits with the
 * status the sector's write to isa-debug-exit gives and the marker it prints reached the serial
 * port, so a sector the BIOS would not boot (no 55 AA), or code that goes wrong, fails here.
 */
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
