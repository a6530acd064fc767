/**
 * The accelerator for a job's guests and libguestfs launches, chosen once: KVM where a probe
 * guest really runs under KVM, TCG where it does not; `--accel kvm|tcg` overrides the probe.
 */
import { probeAccelerator, type Runner } from '../../hypervisor/index.js';
import { runUnchecked } from '../core/run.js';
import type { Emit } from '../core/events.js';

/** The hypervisor layer runs QEMU through this, so every process still goes through core/run. */
export const hypervisorRunner: Runner = async (file, args, opts) => {
  const r = await runUnchecked(file, args, { timeoutMs: opts.timeoutMs });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
};

export type AccelMode = 'auto' | 'kvm' | 'tcg';

export interface Accelerator {
  accel: 'kvm' | 'tcg';
  /** libvirt domain type: kvm with KVM, qemu (TCG) otherwise. */
  domainType: 'kvm' | 'qemu';
  reason: string;
}

/** Probes (for 'auto') and reports the choice; the probe itself is cached per process. */
export async function chooseAccelerator(emit: Emit, mode: AccelMode = 'auto'): Promise<Accelerator> {
  if (mode !== 'auto') {
    return { accel: mode, domainType: mode === 'kvm' ? 'kvm' : 'qemu', reason: `--accel ${mode}` };
  }
  const probe = await probeAccelerator(hypervisorRunner);
  if (probe.accel === 'tcg') {
    emit({ type: 'message', level: 'warn', code: 'NO_KVM', text: `KVM is not usable here (${probe.kvm.detail}): guests run under QEMU TCG, several times slower` });
  }
  return { accel: probe.accel, domainType: probe.domainType, reason: probe.reason };
}
