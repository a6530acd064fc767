/**
 * The accelerator probe on this host, with real QEMU runs, including the KVM boot that the fast
 * checks normally skip on a host without vmx/svm. Prints what it found.
 */
import { describe, expect, it } from 'vitest';
import { probeAccelerator, type AcceleratorProbe } from '../../hypervisor/index.js';
import { runner } from '../hypervisor/helpers/runner.js';

function consistent(probe: AcceleratorProbe): void {
  expect(probe.tcg.ok).toBe(true);
  expect(probe.accel).toBe(probe.kvm.ok ? 'kvm' : 'tcg');
  expect(probe.domainType).toBe(probe.kvm.ok ? 'kvm' : 'qemu');
  expect(probe.reason).toMatch(probe.kvm.ok ? /^KVM works/ : /^KVM is not usable \(.+\); using TCG/);
}

describe('probeAccelerator on this host', () => {
  it('chooses an accelerator that ran the probe guest', async () => {
    const probe = await probeAccelerator(runner);
    consistent(probe);
    process.stdout.write(`[probe] ${probe.reason}\n`);
  });

  it('judges a KVM boot even when the fast checks would have skipped it', async () => {
    const probe = await probeAccelerator(runner, { forceKvmBoot: true, timeoutMs: 20_000 });
    consistent(probe);
    expect(probe.kvm.seconds).toBeGreaterThan(0);
    process.stdout.write(`[probe] forced KVM boot: ${probe.kvm.ok ? 'works' : 'not usable'}: ${probe.kvm.detail}; TCG: ${probe.tcg.detail}\n`);
  });
});
