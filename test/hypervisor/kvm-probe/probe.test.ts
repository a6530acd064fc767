/**
 * probeAccelerator's decisions on a host without KVM. The QEMU runs are real (TCG, a fraction of
 * a second); cpuinfo and the device node are pointed at fixtures to exercise each fast negative.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeAccelerator, type Runner } from '../../../hypervisor/index.js';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { runner } from '../helpers/runner.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'hypervisor', 'fixtures');

/** The real runner, recording which accelerators were run. */
function recording(): { runner: Runner; accels: string[] } {
  const accels: string[] = [];
  return {
    accels,
    runner: (file, args, opts) => {
      accels.push(args[args.indexOf('-accel') + 1] ?? '?');
      return runner(file, args, opts);
    },
  };
}

describe('probeAccelerator', () => {
  it('falls back to TCG without running KVM when the CPU has no vmx/svm', async () => {
    const r = recording();
    const cpuinfoPath = join(FIXTURES, 'cpuinfo-no-virt.txt');
    const probe = await probeAccelerator(r.runner, { cpuinfoPath, timeoutMs: 30_000 });
    expect(probe).toMatchObject({ accel: 'tcg', domainType: 'qemu', tcg: { ok: true }, kvm: { ok: false, seconds: 0 } });
    expect(probe.kvm.detail).toContain('no vmx or svm');
    expect(probe.reason).toMatch(/^KVM is not usable \(.*no vmx or svm.*\); using TCG/);
    expect(r.accels).toEqual(['tcg']);
  });

  it('falls back to TCG when the KVM device cannot be opened', async () => {
    const r = recording();
    const probe = await probeAccelerator(r.runner, {
      cpuinfoPath: join(FIXTURES, 'cpuinfo-vmx.txt'),
      kvmDevice: '/nonexistent/kvm',
      timeoutMs: 30_000,
    });
    expect(probe).toMatchObject({ accel: 'tcg', domainType: 'qemu' });
    expect(probe.kvm.detail).toBe('/nonexistent/kvm cannot be opened read-write (ENOENT)');
    expect(r.accels).toEqual(['tcg']);
  });

  it('reports a broken TCG too', async () => {
    const probe = await probeAccelerator(runner, { emulator: '/bin/false', cpuinfoPath: join(FIXTURES, 'cpuinfo-no-virt.txt') });
    expect(probe).toMatchObject({ accel: 'tcg', tcg: { ok: false } });
    expect(probe.reason).toMatch(/TCG failed too \(\/bin\/false -accel tcg exited with status 1/);
  });

  it('probes once per process for the same options', async () => {
    const r = recording();
    const options = { cpuinfoPath: join(FIXTURES, 'cpuinfo-no-virt.txt'), timeoutMs: 29_000 };
    const first = probeAccelerator(r.runner, options);
    const second = probeAccelerator(r.runner, { ...options });
    expect(second).toBe(first);
    await first;
    expect(await probeAccelerator(r.runner, options)).toBe(await first);
    expect(r.accels).toEqual(['tcg']);
  });
});
